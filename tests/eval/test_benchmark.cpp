// configs/eval/ru_docqa.yaml and its synth configs load through the real config binder
// (train/config) and resolve to the intended sets; bad benchmark lists fail naming the key.
#include <gtest/gtest.h>

#include <cstdlib>

#include "eval/benchmark.h"
#include "models/core/error.h"
#include "train/config/config.h"

namespace ev = vlmforge::eval;

namespace {

// The environment wins; the compiled-in source dir covers runs without it (gtest_discover_tests
// currently passes only the first ENVIRONMENT entry of vlmforge_gtest).
std::string source_path(const std::string& rel) {
  const char* dir = std::getenv("VLMFORGE_SOURCE_DIR");
  return std::string(dir ? dir : VLMFORGE_TEST_SOURCE_DIR) + "/" + rel;
}

}  // namespace

TEST(EvalBenchmark, RuDocqaConfigResolves) {
  const auto cfg = vlmforge::config::load_root(source_path("configs/eval/ru_docqa.yaml"), {});
  const auto sets = ev::resolve_benchmark(cfg.eval);
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].name, "in_distribution");
  EXPECT_EQ(sets[1].name, "heldout_doc_types");
  EXPECT_EQ(sets[2].name, "heavy_degradation");
  std::set<int64_t> seeds;
  for (const auto& s : sets) {
    EXPECT_TRUE(s.generated);
    EXPECT_GT(s.num, 0);
    seeds.insert(s.seed);
    EXPECT_EQ(s.dataset, "data/benchmarks/" + s.name + "-s" + std::to_string(s.seed) + "-n" + std::to_string(s.num));
    EXPECT_EQ(s.records_file(), s.dataset + "/data.jsonl");
  }
  EXPECT_EQ(seeds.size(), 3u);  // distinct documents per set

  // Each set's synth config loads; held-out types appear only in the held-out set.
  const auto in_dist = vlmforge::config::load_root(source_path(sets[0].synth_config), {}).synth;
  const auto held = vlmforge::config::load_root(source_path(sets[1].synth_config), {}).synth;
  const auto heavy = vlmforge::config::load_root(source_path(sets[2].synth_config), {}).synth;
  for (const char* type : {"power_of_attorney", "application"}) {
    EXPECT_EQ(in_dist.doc_types.at(type), 0.0) << type;
    EXPECT_EQ(heavy.doc_types.at(type), 0.0) << type;
    EXPECT_GT(held.doc_types.at(type), 0.0) << type;
  }
  for (const auto& [type, weight] : in_dist.doc_types) {
    if (weight > 0) {
      EXPECT_EQ(held.doc_types.at(type), 0.0) << type;
      EXPECT_EQ(heavy.doc_types.at(type), weight) << type;
    }
  }
  EXPECT_GT(heavy.degradation.blur.probability, in_dist.degradation.blur.probability);
  EXPECT_GT(heavy.degradation.noise.strength, in_dist.degradation.noise.strength);
}

TEST(EvalBenchmark, RejectsBadSetsNamingTheKey) {
  auto expect_error = [](const vlmforge::EvalConfig& cfg, const std::string& where) {
    try {
      ev::resolve_benchmark(cfg);
      FAIL() << "expected an error at " << where;
    } catch (const vlmforge::Error& e) {
      EXPECT_EQ(e.where(), where) << e.what();
    }
  };
  vlmforge::EvalConfig cfg;
  cfg.benchmark.resize(1);
  expect_error(cfg, "eval.benchmark[0].name");
  cfg.benchmark[0].name = "a set";
  expect_error(cfg, "eval.benchmark[0].name");
  cfg.benchmark[0].name = "a";
  expect_error(cfg, "eval.benchmark[0]");  // neither synth_config nor path
  cfg.benchmark[0].synth_config = "x.yaml";
  expect_error(cfg, "eval.benchmark[0].num");
  cfg.benchmark[0].num = 5;
  cfg.benchmark[0].split = "dev";
  expect_error(cfg, "eval.benchmark[0].split");
  cfg.benchmark[0].split = "test";
  cfg.benchmark.push_back(cfg.benchmark[0]);
  expect_error(cfg, "eval.benchmark[1].name");
  cfg.benchmark[1].name = "b";
  cfg.benchmark[1].synth_config = "";
  cfg.benchmark[1].path = "/data/llava.json";
  const auto sets = ev::resolve_benchmark(cfg);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].records_file(), "data/benchmarks/a-s0-n5/test.jsonl");
  EXPECT_FALSE(sets[1].generated);
  EXPECT_EQ(sets[1].dataset, "/data/llava.json");
}

TEST(EvalBenchmark, SummaryAveragesSets) {
  vlmforge::EvalConfig cfg;
  cfg.benchmark = {{"a", "", "", 0, 0, "all", "/x", 0}, {"b", "", "", 0, 0, "all", "/y", 0}};
  const auto sets = ev::resolve_benchmark(cfg);
  const nlohmann::json ma = {{"count", 10}, {"overall", {{"count", 10}, {"anls", 0.5}, {"cer", 0.25}}}};
  const nlohmann::json mb = {{"count", 30}, {"overall", {{"count", 30}, {"anls", 0.75}, {"cer", 0.5}}}};
  const auto s = ev::benchmark_summary(sets, {ma, mb});
  EXPECT_DOUBLE_EQ(s["mean"]["anls"].get<double>(), 0.625);
  EXPECT_DOUBLE_EQ(s["mean"]["cer"].get<double>(), 0.375);
  EXPECT_EQ(s["sets"]["b"]["count"], 30);
  EXPECT_FALSE(s["mean"].contains("count"));
}
