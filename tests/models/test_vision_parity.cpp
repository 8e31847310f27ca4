// SigLIP vision tower and the moondream1 projector against transformers / plain torch.
#include "models/io/weights.h"
#include "models/loader.h"
#include "models/projector.h"
#include "tests/models/fixtures.h"

namespace vlmforge {
namespace {

using test::FixtureIo;
using test::max_abs_diff;
using test::report;

class SiglipParity : public ::testing::TestWithParam<std::string> {};

// siglip_vision: SiglipVisionModel as transformers 5 saves it (no prefix);
// siglip_full: the same weights inside a SiglipModel (vision_model.*, text tower ignored).
TEST_P(SiglipParity, FeatureLayersMatchTransformers) {
  const std::string name = GetParam();
  auto enc = load_siglip(test::fixture_dir(name), torch::kFloat32);
  FixtureIo io(name);
  torch::NoGradGuard no_grad;
  torch::Tensor pix = io["pixel_values"];
  torch::Tensor hs = io["hidden_states"];  // [L+1, N, P, D], no post-layernorm
  const int64_t L = hs.size(0) - 1;
  const double d_post = max_abs_diff(enc->forward(pix, -1, true), io["last_hidden_state"]);
  const double d_last = max_abs_diff(enc->forward(pix, -1, false), hs[L]);
  const double d_prev = max_abs_diff(enc->forward(pix, -2, false), hs[L - 1]);
  report(name + " post-layernorm", d_post);
  report(name + " layer -1", d_last);
  report(name + " layer -2", d_prev);
  EXPECT_LE(d_post, test::kLogitTol);
  EXPECT_LE(d_last, test::kLogitTol);
  EXPECT_LE(d_prev, test::kLogitTol);
}

INSTANTIATE_TEST_SUITE_P(Checkpoints, SiglipParity, ::testing::Values("siglip_vision", "siglip_full"),
                         [](const auto& info) { return info.param; });

TEST(ProjectorParity, Moondream1MatchesTorchReference) {
  auto meta = test::fixture_meta("moondream_projector");
  ProjectorConfig pc;
  pc.type = "moondream1";
  pc.vision_hidden = meta["vision_hidden"].get<int64_t>();
  pc.text_hidden = meta["text_hidden"].get<int64_t>();
  pc.mlp_hidden = meta["mlp_hidden"].get<int64_t>();
  Projector proj(pc, torch::kFloat32);
  ParamList params;
  proj.collect("multi_modal_projector", params);
  auto reader = std::make_shared<SafetensorsReader>(
      SafetensorsReader::open(test::fixture_dir("moondream_projector") + "/model.safetensors"));
  EXPECT_EQ(load_params(params, TensorSource::from_reader(reader)), reader->names().size());
  FixtureIo io("moondream_projector");
  torch::NoGradGuard no_grad;
  const double d = max_abs_diff(proj.forward(io["features"]), io["expected"]);
  report("moondream1 projector", d);
  EXPECT_LE(d, 1e-5);
}

}  // namespace
}  // namespace vlmforge
