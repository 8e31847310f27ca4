// Assembling the VLM from separate HF folders (SigLIP + Qwen2 fixtures) and from checkpoints.
#include "models/io/safetensors.h"
#include "models/loader.h"
#include "tests/models/fixtures.h"

#include <filesystem>

namespace vlmforge {
namespace {

using test::FixtureIo;
using test::max_abs_diff;

ModelConfig separate_dirs() {
  ModelConfig c;
  c.vision.path = test::fixture_dir("siglip_full");  // SiglipModel: vision_model.* + text tower
  c.llm.path = test::fixture_dir("qwen2_tied");
  c.image_token_id = 1000;  // outside the vocabulary, as some LLaVA configs have it
  c.vision_feature_layer = -1;
  c.vision_post_layernorm = true;
  return c;
}

TEST(Assembly, SeparateHfFoldersLoadBothParts) {
  auto vlm = build_vlm(separate_dirs());
  torch::NoGradGuard no_grad;
  FixtureIo vio("siglip_full"), tio("qwen2_tied");
  torch::Tensor feats = vlm->vision.forward(vio["pixel_values"], vlm->vision_feature_layer,
                                            vlm->vision_post_layernorm);
  EXPECT_LE(max_abs_diff(feats, vio["last_hidden_state"]), test::kLogitTol);
  torch::Tensor logits = vlm->llm.logits(vlm->llm.forward(vlm->llm.embed(tio["input_ids"]), {}));
  EXPECT_LE(max_abs_diff(logits, tio["logits"]), test::kLogitTol);
  // Text-only batches pass through the VLM unchanged.
  VlmOutputs out = vlm->forward({tio["input_ids"], {}, {}, {}}, true);
  EXPECT_LE(max_abs_diff(out.logits, tio["logits"]), test::kLogitTol);
}

TEST(Assembly, TrainingCheckpointOverlaysItsTensors) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("vlmforge_ckpt_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // A stage-1 checkpoint holds only the trained projector, under LLaVA legacy names.
  NamedTensors saved;
  auto base = build_vlm(separate_dirs());
  torch::manual_seed(5);
  for (const auto& s : base->named_parameters())
    if (s.name.rfind("multi_modal_projector.", 0) == 0)
      saved.emplace_back(s.name, torch::randn(s.view().sizes()));
  ASSERT_EQ(saved.size(), 4u);
  save_safetensors((dir / "model.safetensors").string(), saved);
  ModelConfig c = separate_dirs();
  c.checkpoint = dir.string();
  auto vlm = build_vlm(c);
  std::map<std::string, torch::Tensor> got;
  for (const auto& s : vlm->named_parameters()) got[s.name] = s.view();
  for (const auto& [name, t] : saved) EXPECT_TRUE(torch::equal(got[name], t)) << name;
  // The rest still comes from the HF folders.
  EXPECT_TRUE(torch::equal(got["language_model.model.embed_tokens.weight"],
                           base->llm.embed_tokens));
  fs::remove_all(dir);

  // A checkpoint folder with config.json is read as a LLaVA folder.
  ModelConfig l;
  l.checkpoint = test::fixture_dir("llava_qwen2");
  EXPECT_EQ(build_vlm(l)->image_token_id, 95);
}

}  // namespace
}  // namespace vlmforge
