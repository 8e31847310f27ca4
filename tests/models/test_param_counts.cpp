// Parameter counts of full-size configs (built on the meta device) equal transformers'.
#include "models/loader.h"
#include "tests/models/fixtures.h"

#include <fstream>

namespace vlmforge {
namespace {

TEST(ParamCounts, FullSizeConfigsMatchTransformers) {
  std::ifstream f(test::fixture_dir("param_counts") + "/counts.json");
  ASSERT_TRUE(f) << "counts.json missing";
  const auto counts = nlohmann::json::parse(f);
  ASSERT_GE(counts.size(), 6u);
  for (const auto& [name, want] : counts.items()) {
    const ParamCounts c = count_model_dir(test::fixture_dir("param_counts/" + name));
    std::printf("PARAMS %-14s vlmforge %12lld  transformers %12lld  (%s)\n", name.c_str(),
                static_cast<long long>(c.total()), static_cast<long long>(want.get<int64_t>()),
                c.architecture.c_str());
    EXPECT_EQ(c.total(), want.get<int64_t>()) << name;
  }
}

TEST(ParamCounts, DescribeLlavaDirSplitsComponents) {
  const std::string text = describe_model_dir(test::fixture_dir("llava_qwen2"));
  EXPECT_NE(text.find("LlavaForConditionalGeneration"), std::string::npos) << text;
  EXPECT_NE(text.find("Qwen2ForCausalLM"), std::string::npos) << text;
  const ParamCounts c = count_model_dir(test::fixture_dir("llava_qwen2"));
  EXPECT_GT(c.vision, 0);
  EXPECT_EQ(c.projector, 48 * 64 + 64 + 64 * 64 + 64);  // linear_1 + linear_2 with bias
  EXPECT_GT(c.llm, 0);
}

}  // namespace
}  // namespace vlmforge
