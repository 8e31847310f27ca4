// AutoAWQ GEMM dequantisation against packed integers built by the reference script from the
// documented layout (numpy, independent of models/awq.cpp).
#include "models/awq.h"
#include "tests/models/fixtures.h"

namespace vlmforge {
namespace {

TEST(Awq, UnpackAndDequantiseHandBuiltExampleExactly) {
  auto reader = std::make_shared<SafetensorsReader>(
      SafetensorsReader::open(test::fixture_dir("awq") + "/awq.safetensors"));
  auto meta = test::fixture_meta("awq");
  const int64_t G = meta["group_size"].get<int64_t>();
  torch::Tensor qweight = reader->get("layer.qweight").clone();
  EXPECT_TRUE(torch::equal(awq_unpack(qweight), reader->get("expected_q").clone()));
  torch::Tensor w = awq_dequantize(qweight, reader->get("layer.qzeros").clone(),
                                   reader->get("layer.scales").clone(), G, torch::kFloat32, "awq");
  torch::Tensor want = reader->get("expected_weight").clone();
  ASSERT_EQ(w.sizes(), want.sizes());
  EXPECT_TRUE(torch::equal(w, want)) << "max diff " << test::max_abs_diff(w, want);
}

TEST(Awq, RejectsInconsistentShapesNamingTheLayer) {
  torch::Tensor qw = torch::zeros({16, 2}, torch::kInt32), qz = torch::zeros({2, 2}, torch::kInt32);
  torch::Tensor sc = torch::ones({2, 8}, torch::kFloat16);  // should be [2, 16]
  try {
    awq_dequantize(qw, qz, sc, 8, torch::kFloat16, "model.layers.0.mlp.up_proj");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("model.layers.0.mlp.up_proj"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlmforge
