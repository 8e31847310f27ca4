// safetensors reader/writer: round trips, and every kind of corruption rejected with a message.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/io/safetensors.h"

namespace fs = std::filesystem;
using namespace vlmforge;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("vlmforge_st_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A file built byte by byte, independent of the writer under test.
std::string raw_file(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

void write_raw(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// Expects SafetensorsFile::open to throw an Error whose message contains `needle`.
void expect_rejected(const fs::path& p, const std::string& needle) {
  try {
    SafetensorsFile::open(p.string());
    FAIL() << "accepted a corrupt file, expected: " << needle;
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(needle), std::string::npos) << "message was: " << msg;
    EXPECT_NE(msg.find(p.string()), std::string::npos) << "message does not name the file: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "message is not one line";
  }
}

std::vector<torch::ScalarType> all_dtypes() {
  return {torch::kFloat64, torch::kFloat32, torch::kFloat16, torch::kBFloat16,
          torch::kInt64,   torch::kInt32,   torch::kInt16,   torch::kInt8,
          torch::kUInt8,   torch::kBool,    torch::kUInt16,  torch::kUInt32,
          torch::kUInt64,  torch::kFloat8_e4m3fn, torch::kFloat8_e5m2};
}

torch::Tensor sample(torch::ScalarType t, std::vector<int64_t> shape) {
  torch::Tensor x = torch::randn(shape) * 7;
  if (t == torch::kBool) return x > 0;
  if (t == torch::kUInt8 || t == torch::kUInt16 || t == torch::kUInt32 || t == torch::kUInt64)
    return x.abs().to(torch::kInt64).to(t);
  return x.to(t);
}

bool bitwise_equal(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  if (a.numel() == 0) return true;  // empty tensors may have no storage (null data_ptr)
  auto ac = a.contiguous(), bc = b.contiguous();
  return std::memcmp(ac.data_ptr(), bc.data_ptr(), ac.numel() * ac.element_size()) == 0;
}

}  // namespace

TEST(Safetensors, RoundTripEveryDtype) {
  auto dir = temp_dir("rt");
  torch::manual_seed(0);
  NamedTensors ts;
  for (auto t : all_dtypes()) {
    std::string name = std::string("t.") + c10::toString(t);
    ts.emplace_back(name, sample(t, {3, 5}));
  }
  ts.emplace_back("scalar", torch::tensor(3.5f).reshape({}));
  ts.emplace_back("empty", torch::empty({0, 4}));
  ts.emplace_back("strided", torch::randn({6, 4}).t());  // non-contiguous input
  save_safetensors((dir / "a.safetensors").string(), ts, {{"note", "x"}});

  auto f = SafetensorsFile::open((dir / "a.safetensors").string());
  EXPECT_EQ(f->metadata().at("format"), "pt");
  EXPECT_EQ(f->metadata().at("note"), "x");
  ASSERT_EQ(f->entries().size(), ts.size());
  for (const auto& [name, t] : ts) {
    torch::Tensor got = f->get(name);
    EXPECT_TRUE(bitwise_equal(got, t)) << name;
  }
  // Header is padded so the data starts 8-byte aligned.
  std::string bytes = read_file((dir / "a.safetensors").string());
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
}

TEST(Safetensors, LoadedTensorIsWritableWithoutTouchingTheFile) {
  auto dir = temp_dir("cow");
  auto p = (dir / "w.safetensors").string();
  save_safetensors(p, {{"w", torch::ones({4})}});
  std::string before = read_file(p);
  {
    auto f = SafetensorsFile::open(p);
    torch::Tensor w = f->get("w");
    w.mul_(3);  // copy-on-write page
    EXPECT_FLOAT_EQ(w[0].item<float>(), 3.f);
  }
  EXPECT_EQ(read_file(p), before);
}

TEST(Safetensors, ShardedSetLoadsAsOne) {
  auto dir = temp_dir("shard");
  NamedTensors ts;
  for (int i = 0; i < 6; ++i) ts.emplace_back("layer." + std::to_string(i), torch::randn({64, 64}));
  auto files = save_safetensors_sharded(dir.string(), ts, 40000);  // 16 KiB per tensor -> 3 shards
  EXPECT_EQ(files.size(), 4u);  // 3 shards + index
  EXPECT_TRUE(fs::exists(dir / "model.safetensors.index.json"));
  EXPECT_TRUE(fs::exists(dir / "model-00001-of-00003.safetensors"));
  auto r = SafetensorsReader::open(dir.string());
  EXPECT_EQ(r.names().size(), 6u);
  EXPECT_EQ(r.files().size(), 3u);
  for (const auto& [name, t] : ts) EXPECT_TRUE(torch::equal(r.get(name), t)) << name;
  // Opening the index file directly works too.
  auto r2 = SafetensorsReader::open((dir / "model.safetensors.index.json").string());
  EXPECT_TRUE(torch::equal(r2.get("layer.5"), ts[5].second));
}

TEST(Safetensors, IndexNamingAMissingShardIsRejected) {
  auto dir = temp_dir("badindex");
  std::ofstream(dir / "model.safetensors.index.json")
      << R"({"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors"}})";
  try {
    SafetensorsReader::open(dir.string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST(Safetensors, CorruptionsAreRejectedWithAMessage) {
  auto dir = temp_dir("corrupt");
  const std::string ok_header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  const std::string data8(8, '\x01');

  write_raw(dir / "short.st", std::string(5, '\0'));
  expect_rejected(dir / "short.st", "too short");

  // Truncated data: header promises 8 bytes, file has 4.
  write_raw(dir / "trunc.st", raw_file(ok_header, data8.substr(0, 4)));
  expect_rejected(dir / "trunc.st", "past the data buffer");

  // Header length past EOF.
  std::string past = raw_file(ok_header, data8);
  past[0] = static_cast<char>(0xff);
  past[1] = static_cast<char>(0x0f);
  write_raw(dir / "past.st", past);
  expect_rejected(dir / "past.st", "runs past the end");

  std::string huge = raw_file(ok_header, data8);
  huge[5] = 1;  // ~1e12
  write_raw(dir / "huge.st", huge);
  expect_rejected(dir / "huge.st", "exceeds 100 MB");

  write_raw(dir / "json.st", raw_file("{\"a\": [1, 2", data8));
  expect_rejected(dir / "json.st", "not valid JSON");

  write_raw(dir / "notobj.st", raw_file("[1,2,3]", ""));
  expect_rejected(dir / "notobj.st", "not a JSON object");

  write_raw(dir / "overlap.st",
            raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                     data8));
  expect_rejected(dir / "overlap.st", "overlaps");

  write_raw(dir / "hole.st",
            raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data8));
  expect_rejected(dir / "hole.st", "hole");

  write_raw(dir / "range.st",
            raw_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data8));
  expect_rejected(dir / "range.st", "past the data buffer");

  write_raw(dir / "mismatch.st",
            raw_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data8));
  expect_rejected(dir / "mismatch.st", "needs 12 bytes");

  write_raw(dir / "dtype.st",
            raw_file(R"({"a":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}})", data8));
  expect_rejected(dir / "dtype.st", "unknown dtype");

  write_raw(dir / "trailing.st", raw_file(ok_header, data8 + "xx"));
  expect_rejected(dir / "trailing.st", "trailing bytes");

  write_raw(dir / "negshape.st",
            raw_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data8));
  expect_rejected(dir / "negshape.st", "non-negative");

  write_raw(dir / "meta.st",
            raw_file(R"({"__metadata__":{"format":3},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                     data8));
  expect_rejected(dir / "meta.st", "not a string");
}

// Mutations of a valid file: every one is either read or rejected with vlmforge::Error, never a
// crash or an out-of-bounds read (this test also runs in the AddressSanitizer build).
TEST(Safetensors, RandomMutationsNeverCrash) {
  auto dir = temp_dir("fuzz");
  auto p = (dir / "valid.safetensors").string();
  save_safetensors(p, {{"a", torch::arange(10, torch::kFloat32)},
                       {"b", torch::ones({2, 3}, torch::kBFloat16)},
                       {"c", torch::zeros({4}, torch::kInt64)}});
  const std::string valid = read_file(p);
  std::mt19937 rng(1234);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = valid;
    switch (rng() % 3) {
      case 0: m[rng() % m.size()] = static_cast<char>(rng()); break;         // flip a byte
      case 1: m.resize(rng() % m.size()); break;                              // truncate
      case 2: m.insert(rng() % m.size(), 1, static_cast<char>(rng())); break;  // insert
    }
    auto mp = dir / "m.safetensors";
    write_raw(mp, m);
    try {
      auto f = SafetensorsFile::open(mp.string());
      for (const auto& e : f->entries()) (void)f->get(e.name).sum();
      ++accepted;
    } catch (const Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);
  EXPECT_GT(accepted, 0);  // data-byte flips leave a valid file
}

TEST(AtomicWrite, FailedWriterLeavesOldFile) {
  auto dir = temp_dir("atomic");
  auto p = (dir / "f.txt").string();
  write_file_atomic(p, std::string("old"));
  {
    AtomicFileWriter w(p);
    w.write("new", 3);
    // destroyed without commit
  }
  EXPECT_EQ(read_file(p), "old");
  size_t n = 0;
  for (auto& e : fs::directory_iterator(dir)) n += e.is_regular_file();
  EXPECT_EQ(n, 1u) << "temp file left behind";
}
