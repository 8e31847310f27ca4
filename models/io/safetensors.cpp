#include "models/io/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include "models/core/error.h"
#include "models/core/fs.h"

namespace vlmforge {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// Same limit as the reference implementation: a larger header is treated as corrupt.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

const SafetensorsDtype kDtypes[] = {
    {"F64", torch::kFloat64, 8},   {"F32", torch::kFloat32, 4},      {"F16", torch::kFloat16, 2},
    {"BF16", torch::kBFloat16, 2}, {"I64", torch::kInt64, 8},        {"I32", torch::kInt32, 4},
    {"I16", torch::kInt16, 2},     {"I8", torch::kInt8, 1},          {"U8", torch::kUInt8, 1},
    {"BOOL", torch::kBool, 1},     {"U16", torch::kUInt16, 2},       {"U32", torch::kUInt32, 4},
    {"U64", torch::kUInt64, 8},    {"F8_E4M3", torch::kFloat8_e4m3fn, 1},
    {"F8_E5M2", torch::kFloat8_e5m2, 1},
};

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Product of dims × element size, or throws on overflow.
uint64_t byte_size(const std::vector<int64_t>& shape, size_t elem, const std::string& where) {
  uint64_t n = elem;
  for (int64_t d : shape) {
    if (d < 0) throw Error("negative dimension in shape", where);
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
      throw Error("shape overflows 64-bit byte size", where);
    n *= static_cast<uint64_t>(d);
  }
  return n;
}

TensorEntry parse_entry(const std::string& name, const json& v, const std::string& where) {
  std::string at = where + ": tensor '" + name + "'";
  if (!v.is_object()) throw Error("header entry is not an object", at);
  TensorEntry e;
  e.name = name;
  auto dt = v.find("dtype");
  if (dt == v.end() || !dt->is_string()) throw Error("missing or non-string 'dtype'", at);
  e.dtype = dt->get<std::string>();
  const SafetensorsDtype* info = safetensors_dtype(e.dtype);
  if (info == nullptr) throw Error("unknown dtype '" + e.dtype + "'", at);
  auto sh = v.find("shape");
  if (sh == v.end() || !sh->is_array()) throw Error("missing or non-array 'shape'", at);
  for (const auto& d : *sh) {
    if (!d.is_number_unsigned()) throw Error("shape entries must be non-negative integers", at);
    uint64_t x = d.get<uint64_t>();
    if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw Error("dimension too large", at);
    e.shape.push_back(static_cast<int64_t>(x));
  }
  auto off = v.find("data_offsets");
  if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    throw Error("'data_offsets' must be [begin, end] of non-negative integers", at);
  e.begin = (*off)[0].get<uint64_t>();
  e.end = (*off)[1].get<uint64_t>();
  if (e.end < e.begin) throw Error("data_offsets end < begin", at);
  uint64_t expect = byte_size(e.shape, info->size, at);
  if (expect != e.nbytes())
    throw Error("dtype " + e.dtype + " x shape needs " + std::to_string(expect) +
                    " bytes but data_offsets span " + std::to_string(e.nbytes()),
                at);
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key() != "dtype" && it.key() != "shape" && it.key() != "data_offsets")
      throw Error("unexpected field '" + it.key() + "' in header entry", at);
  return e;
}

}  // namespace

const SafetensorsDtype* safetensors_dtype(const std::string& name) {
  for (const auto& d : kDtypes)
    if (name == d.name) return &d;
  return nullptr;
}

const SafetensorsDtype* safetensors_dtype(torch::ScalarType t) {
  for (const auto& d : kDtypes)
    if (t == d.scalar_type) return &d;
  return nullptr;
}

// ---- SafetensorsFile -------------------------------------------------------------------------

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  auto f = std::make_shared<SafetensorsFile>();
  f->path_ = path;
  f->map_ = MappedFile::open(path);
  const uint64_t size = f->map_->size();
  if (size < 8) throw Error("file too short for a safetensors header (" + std::to_string(size) +
                                " bytes)",
                            path, "truncated or not a safetensors file");
  const uint64_t n = read_u64_le(f->map_->data());
  if (n > kMaxHeaderBytes)
    throw Error("header length " + std::to_string(n) + " exceeds 100 MB", path,
                "corrupt or not a safetensors file");
  if (n > size - 8)
    throw Error("header length " + std::to_string(n) + " runs past the end of the file (" +
                    std::to_string(size) + " bytes)",
                path, "truncated file");
  const char* hdr = reinterpret_cast<const char*>(f->map_->data() + 8);
  if (n < 2 || hdr[0] != '{') throw Error("header is not a JSON object", path);
  json j;
  try {
    j = json::parse(hdr, hdr + n);
  } catch (const json::exception& e) {
    throw Error(std::string("header is not valid JSON: ") + e.what(), path);
  }
  if (!j.is_object()) throw Error("header is not a JSON object", path);

  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) throw Error("__metadata__ must be an object of strings", path);
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string())
          throw Error("__metadata__ value for '" + m.key() + "' is not a string", path);
        f->metadata_[m.key()] = m->get<std::string>();
      }
      continue;
    }
    f->entries_.push_back(parse_entry(it.key(), *it, path));
  }

  // Offsets must tile the buffer exactly: sorted by begin, no holes, no overlaps, and the last
  // tensor ends where the file ends.
  const uint64_t buffer = size - 8 - n;
  std::vector<const TensorEntry*> by_offset;
  for (const auto& e : f->entries_) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t cursor = 0;
  for (const TensorEntry* e : by_offset) {
    if (e->begin != cursor) {
      std::string kind = e->begin < cursor ? "overlaps the previous tensor" : "leaves a hole";
      throw Error("data_offsets [" + std::to_string(e->begin) + ", " + std::to_string(e->end) +
                      ") " + kind + " (expected begin " + std::to_string(cursor) + ")",
                  path + ": tensor '" + e->name + "'");
    }
    if (e->end > buffer)
      throw Error("data_offsets end " + std::to_string(e->end) + " is past the data buffer (" +
                      std::to_string(buffer) + " bytes)",
                  path + ": tensor '" + e->name + "'", "truncated file");
    cursor = e->end;
  }
  if (cursor != buffer)
    throw Error("data buffer is " + std::to_string(buffer) + " bytes but tensors cover " +
                    std::to_string(cursor),
                path, cursor < buffer ? "trailing bytes after the last tensor" : "truncated file");

  for (size_t i = 0; i < f->entries_.size(); ++i) f->index_[f->entries_[i].name] = i;
  f->data_start_ = 8 + n;
  return f;
}

const TensorEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw Error("no tensor named '" + name + "'", path_);
  return entries_[it->second];
}

torch::Tensor SafetensorsFile::get(const std::string& name) const {
  const TensorEntry& e = entry(name);
  const SafetensorsDtype* info = safetensors_dtype(e.dtype);
  auto opts = torch::TensorOptions().dtype(info->scalar_type).device(torch::kCPU);
  const uint8_t* ptr = map_->data() + data_start_ + e.begin;
  if (e.nbytes() == 0) return torch::empty(e.shape, opts);
  if (reinterpret_cast<uintptr_t>(ptr) % info->size != 0) {
    // Another writer's header length may leave the buffer misaligned: copy once.
    torch::Tensor t = torch::empty(e.shape, opts);
    std::memcpy(t.data_ptr(), ptr, e.nbytes());
    return t;
  }
  // Zero-copy view. The mapping is private copy-on-write (MappedFile), so an in-place op on the
  // tensor changes only this process's pages, never the file.
  std::shared_ptr<MappedFile> keep = map_;
  return torch::from_blob(const_cast<uint8_t*>(ptr), e.shape, [keep](void*) {}, opts);
}

// ---- SafetensorsReader -----------------------------------------------------------------------

SafetensorsReader SafetensorsReader::open(const std::string& path) {
  SafetensorsReader r;
  r.source_ = path;
  auto add_file = [&](const std::string& file) {
    auto f = SafetensorsFile::open(file);
    r.shards_[file] = f;
    for (const auto& e : f->entries()) {
      auto [it, fresh] = r.where_.emplace(e.name, file);
      if (!fresh)
        throw Error("tensor '" + e.name + "' appears in both " + it->second + " and " + file, path);
    }
  };
  auto load_index = [&](const std::string& index_path) {
    json j;
    try {
      j = json::parse(read_file(index_path));
    } catch (const json::exception& e) {
      throw Error(std::string("index is not valid JSON: ") + e.what(), index_path);
    }
    if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
      throw Error("index has no 'weight_map' object", index_path);
    fs::path dir = fs::path(index_path).parent_path();
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      if (!it->is_string())
        throw Error("weight_map entry for '" + it.key() + "' is not a file name", index_path);
      std::string file = (dir / it->get<std::string>()).string();
      if (!fs::exists(file))
        throw Error("shard '" + it->get<std::string>() + "' named for tensor '" + it.key() +
                        "' does not exist",
                    index_path);
      r.where_[it.key()] = file;
    }
    // Every shard must hold exactly what the index says it holds.
    std::set<std::string> files;
    for (auto& [name, file] : r.where_) files.insert(file);
    for (const auto& file : files) {
      auto f = r.shard(file);
      for (const auto& e : f->entries()) {
        auto it = r.where_.find(e.name);
        if (it == r.where_.end())
          throw Error("tensor '" + e.name + "' is in " + file + " but not in the index", index_path);
      }
    }
    for (auto& [name, file] : r.where_)
      if (!r.shard(file)->contains(name))
        throw Error("index maps tensor '" + name + "' to " + file + " which does not contain it",
                    index_path);
  };

  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    fs::path dir(path);
    if (fs::exists(dir / "model.safetensors.index.json")) {
      load_index((dir / "model.safetensors.index.json").string());
    } else if (fs::exists(dir / "model.safetensors")) {
      add_file((dir / "model.safetensors").string());
    } else {
      std::vector<std::string> files;
      for (const auto& de : fs::directory_iterator(dir))
        if (de.path().extension() == ".safetensors") files.push_back(de.path().string());
      std::sort(files.begin(), files.end());
      if (files.empty()) throw Error("folder has no .safetensors files", path);
      for (const auto& f : files) add_file(f);
    }
  } else if (path.size() > 11 && path.compare(path.size() - 11, 11, ".index.json") == 0) {
    load_index(path);
  } else {
    add_file(path);
  }
  return r;
}

std::shared_ptr<SafetensorsFile> SafetensorsReader::shard(const std::string& file) const {
  auto it = shards_.find(file);
  if (it != shards_.end()) return it->second;
  auto f = SafetensorsFile::open(file);
  shards_[file] = f;
  return f;
}

std::vector<std::string> SafetensorsReader::names() const {
  std::vector<std::string> out;
  for (auto& [name, file] : where_) out.push_back(name);
  return out;
}

const std::string& SafetensorsReader::file_of(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) throw Error("no tensor named '" + name + "'", source_);
  return it->second;
}

const TensorEntry& SafetensorsReader::entry(const std::string& name) const {
  return shard(file_of(name))->entry(name);
}

torch::Tensor SafetensorsReader::get(const std::string& name) const {
  return shard(file_of(name))->get(name);
}

std::vector<std::string> SafetensorsReader::files() const {
  std::set<std::string> s;
  for (auto& [name, file] : where_) s.insert(file);
  return {s.begin(), s.end()};
}

std::map<std::string, std::string> SafetensorsReader::metadata() const {
  auto fl = files();
  if (fl.empty()) return {};
  return shard(fl.front())->metadata();
}

// ---- writing ---------------------------------------------------------------------------------

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      std::map<std::string, std::string> metadata) {
  if (!metadata.count("format")) metadata["format"] = "pt";
  json header = json::object();
  header["__metadata__"] = metadata;
  std::vector<torch::Tensor> data;
  data.reserve(tensors.size());
  std::set<std::string> seen;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") throw Error("'__metadata__' is not a valid tensor name", path);
    if (!seen.insert(name).second) throw Error("duplicate tensor name '" + name + "'", path);
    const SafetensorsDtype* info = safetensors_dtype(t.scalar_type());
    if (info == nullptr)
      throw Error(std::string("dtype ") + c10::toString(t.scalar_type()) +
                      " cannot be stored in safetensors",
                  path + ": tensor '" + name + "'");
    torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    uint64_t nbytes = c.numel() * info->size;
    header[name] = {{"dtype", info->name},
                    {"shape", c.sizes().vec()},
                    {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
    data.push_back(c);
  }
  std::string h = header.dump();
  // Pad with spaces so the data buffer starts 8-byte aligned (as the reference writer does).
  h.append((8 - h.size() % 8) % 8, ' ');

  AtomicFileWriter out(path);
  uint8_t len[8];
  uint64_t n = h.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(n >> (8 * i));
  out.write(len, 8);
  out.write(h.data(), h.size());
  for (const auto& c : data) out.write(c.data_ptr(), c.numel() * c.element_size());
  out.commit();
}

std::vector<std::string> save_safetensors_sharded(const std::string& dir, const NamedTensors& tensors,
                                                  uint64_t max_shard_bytes, const std::string& stem,
                                                  std::map<std::string, std::string> metadata) {
  fs::create_directories(dir);
  uint64_t total = 0;
  for (const auto& [name, t] : tensors) total += t.numel() * t.element_size();
  if (max_shard_bytes == 0 || total <= max_shard_bytes) {
    std::string file = (fs::path(dir) / (stem + ".safetensors")).string();
    save_safetensors(file, tensors, metadata);
    return {file};
  }
  // Greedy split in the given order; a tensor larger than the limit gets a shard of its own.
  std::vector<NamedTensors> shards(1);
  uint64_t current = 0;
  for (const auto& nt : tensors) {
    uint64_t b = nt.second.numel() * nt.second.element_size();
    if (!shards.back().empty() && current + b > max_shard_bytes) {
      shards.emplace_back();
      current = 0;
    }
    shards.back().push_back(nt);
    current += b;
  }
  char buf[64];
  std::vector<std::string> written;
  json weight_map = json::object();
  for (size_t i = 0; i < shards.size(); ++i) {
    std::snprintf(buf, sizeof buf, "-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    std::string name = stem + buf;
    std::string file = (fs::path(dir) / name).string();
    save_safetensors(file, shards[i], metadata);
    written.push_back(file);
    for (const auto& [tname, t] : shards[i]) weight_map[tname] = name;
  }
  json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  std::string index_file = (fs::path(dir) / (stem + ".safetensors.index.json")).string();
  write_file_atomic(index_file, index.dump(2) + "\n");
  written.push_back(index_file);
  return written;
}

}  // namespace vlmforge
