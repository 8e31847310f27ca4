// Dataset writer: byte-identical output for any worker count (JSONL + images and tar shards),
// records that read back with the data/formats reader, splits and holdouts as configured.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "data/formats/jsonl.h"
#include "data/formats/tar.h"
#include "models/core/error.h"
#include "models/core/fs.h"

#include <unistd.h>
#include "synth/dataset.h"

using namespace vlmforge;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> read_tree(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = read_file(e.path().string());
  return files;
}

std::string temp_dir(const std::string& name) {
  const std::string d = (fs::temp_directory_path() / ("vlmforge_synth_" + name + "_" + std::to_string(::getpid()))).string();
  fs::remove_all(d);
  return d;
}

}  // namespace

TEST(SynthDataset, ByteIdenticalForAnyWorkerCount) {
  synth::SynthConfig cfg;
  cfg.num = 30;
  cfg.seed = 9;
  cfg.preview = 2;
  std::map<std::string, std::string> first;
  for (int workers : {1, 3, 2}) {
    cfg.workers = workers;
    const std::string dir = temp_dir("w" + std::to_string(workers));
    synth::write_dataset(cfg, dir, false);
    auto files = read_tree(dir);
    EXPECT_EQ(files.size(), 30u + 2u + 5u);  // images, previews, 4 jsonl, manifest
    if (first.empty()) {
      first = files;
    } else {
      ASSERT_EQ(files.size(), first.size());
      for (const auto& [name, bytes] : first) {
        EXPECT_TRUE(files[name] == bytes) << name << " differs with " << workers << " workers";
      }
    }
    fs::remove_all(dir);
  }
}

TEST(SynthDataset, ShardsAreDeterministicAndReadBack) {
  synth::SynthConfig cfg;
  cfg.num = 25;
  cfg.seed = 5;
  cfg.shards = true;
  cfg.shard_size = 7;
  cfg.splits.val = 0.2;
  cfg.splits.test = 0.2;
  std::map<std::string, std::string> first;
  for (int workers : {1, 3}) {
    cfg.workers = workers;
    const std::string dir = temp_dir("s" + std::to_string(workers));
    synth::write_dataset(cfg, dir, false);
    auto files = read_tree(dir);
    if (first.empty()) {
      first = files;
      size_t samples = 0;
      for (const auto& [name, bytes] : files) {
        if (name.size() < 4 || name.substr(name.size() - 4) != ".tar") continue;
        for (const auto& s : data::read_webdataset_shard(dir + "/" + name)) {
          ASSERT_EQ(s.files.count("jpg"), 1u) << s.key;
          const auto rec = data::record_from_json_text(s.files.at("json"), s.key);
          EXPECT_EQ(rec.id, s.key);
          EXPECT_EQ(rec.image, s.key + ".jpg");
          EXPECT_NE(name.find("shard-" + rec.split + "-"), std::string::npos);
          EXPECT_EQ(rec.conversations.size(), 2 * rec.qa_meta.size());
          ++samples;
        }
      }
      EXPECT_EQ(samples, 25u);
    } else {
      ASSERT_EQ(files.size(), first.size());
      for (const auto& [name, bytes] : first) {
        EXPECT_TRUE(files[name] == bytes) << name;
      }
    }
    fs::remove_all(dir);
  }
}

TEST(SynthDataset, SplitsHoldoutsAndRecordsReadBack) {
  synth::SynthConfig cfg;
  cfg.num = 60;
  cfg.seed = 3;
  cfg.workers = 2;
  cfg.degradation.enabled = false;
  cfg.holdout.doc_types = {"receipt"};
  cfg.holdout.layouts = {"invoice/2"};
  const std::string dir = temp_dir("split");
  synth::write_dataset(cfg, dir, false);
  const auto all = data::read_jsonl(dir + "/data.jsonl");
  ASSERT_EQ(all.size(), 60u);
  size_t n = 0;
  for (const char* split : {"train", "val", "test"}) {
    const auto part = data::read_jsonl(dir + "/" + split + ".jsonl");
    for (const auto& r : part) {
      EXPECT_EQ(r.split, split);
      if (r.doc_type == "receipt" || r.layout == "invoice/2") {
        EXPECT_EQ(r.split, "test") << r.id;
      }
      EXPECT_TRUE(fs::exists(dir + "/" + r.image)) << r.image;
      ASSERT_FALSE(r.conversations.empty());
      EXPECT_EQ(r.conversations[0].from, "human");
      EXPECT_EQ(r.conversations[0].value.rfind("<image>\n", 0), 0u);
      EXPECT_EQ(r.conversations.size(), 2 * r.qa_meta.size());
      EXPECT_FALSE(r.regions.empty());
    }
    n += part.size();
  }
  EXPECT_EQ(n, 60u);
  // A record survives a write/read round trip unchanged.
  EXPECT_EQ(data::to_json_line(all[0]), data::to_json_line(data::record_from_json_text(data::to_json_line(all[0]), "x")));
  fs::remove_all(dir);
}

TEST(SynthDataset, ConfigErrorsNameTheKey) {
  synth::SynthConfig cfg;
  cfg.doc_types["passport"] = 1.0;
  try {
    synth::validate(cfg);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("synth.doc_types"), std::string::npos) << e.what();
  }
  synth::SynthConfig c2;
  c2.holdout.layouts = {"invoice/7"};
  EXPECT_THROW(synth::validate(c2), Error);
}
