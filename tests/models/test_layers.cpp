// Layer plumbing: fused linears keep HF names, adapters hook into one part, from-scratch VLM
// assembly trains only through supervised positions.
#include "models/core/error.h"
#include "models/generate.h"
#include "models/loader.h"

#include <gtest/gtest.h>

#include <set>

namespace vlmforge {
namespace {

ModelConfig tiny_config() {
  ModelConfig c;
  c.vision.hidden_size = 32;
  c.vision.intermediate_size = 48;
  c.vision.num_hidden_layers = 2;
  c.vision.num_attention_heads = 2;
  c.vision.image_size = 32;
  c.vision.patch_size = 8;  // 16 image tokens
  c.llm.vocab_size = 64;
  c.llm.hidden_size = 32;
  c.llm.intermediate_size = 48;
  c.llm.num_hidden_layers = 2;
  c.llm.num_attention_heads = 4;
  c.llm.num_key_value_heads = 2;
  c.image_token_id = 63;
  c.init_seed = 3;
  return c;
}

TEST(Linear, FusedPartsKeepHfNamesAndViewsShareStorage) {
  Linear qkv({{"q_proj", 8}, {"k_proj", 4}, {"v_proj", 4}}, 6, true, torch::kFloat32);
  ParamList p;
  qkv.collect("model.layers.0.self_attn", p);
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0].name, "model.layers.0.self_attn.q_proj.weight");
  EXPECT_EQ(p[3].name, "model.layers.0.self_attn.k_proj.bias");
  EXPECT_EQ(p[4].shape(), (std::vector<int64_t>{4, 6}));
  p[4].view().fill_(2.0);  // v_proj.weight
  EXPECT_EQ(qkv.weight.narrow(0, 12, 4).sum().item<double>(), 2.0 * 24);
  EXPECT_EQ(qkv.weight.narrow(0, 0, 12).abs().sum().item<double>(), 0.0);
  EXPECT_EQ(count_params(p), 16 * 6 + 16);
}

struct AddConstant : LinearAdapter {
  double c;
  explicit AddConstant(double v) : c(v) {}
  torch::Tensor forward(const torch::Tensor& x) override {
    return torch::full({x.size(0), 4}, c, x.options());
  }
  void collect(const std::string&, ParamList&) override {}
};

TEST(Linear, AdapterAddsToItsPartOnly) {
  Linear qkv({{"q_proj", 8}, {"k_proj", 4}, {"v_proj", 4}}, 6, false, torch::kFloat32);
  init_normal(qkv, 0.1);
  torch::Tensor x = torch::randn({3, 6});
  torch::Tensor base = qkv.forward(x);
  LinearList named;
  collect_linears("attn", qkv, named);
  ASSERT_EQ(named[2].name, "attn.v_proj");
  named[2].get().adapter = std::make_shared<AddConstant>(1.5);
  torch::Tensor y = qkv.forward(x);
  EXPECT_TRUE(torch::allclose(y.narrow(1, 0, 12), base.narrow(1, 0, 12)));
  EXPECT_TRUE(torch::allclose(y.narrow(1, 12, 4), base.narrow(1, 12, 4) + 1.5));
}

TEST(Vlm, FromScratchNamesAreLlavaLegacyLayout) {
  auto vlm = build_vlm(tiny_config());
  std::set<std::string> names;
  for (const auto& s : vlm->named_parameters()) names.insert(s.name);
  for (const char* n : {"vision_tower.vision_model.embeddings.patch_embedding.weight",
                        "vision_tower.vision_model.encoder.layers.1.self_attn.out_proj.bias",
                        "vision_tower.vision_model.post_layernorm.weight",
                        "multi_modal_projector.linear_1.weight",
                        "multi_modal_projector.linear_2.bias",
                        "language_model.model.embed_tokens.weight",
                        "language_model.model.layers.1.self_attn.k_proj.bias",
                        "language_model.model.layers.0.mlp.up_proj.weight",
                        "language_model.model.norm.weight"})
    EXPECT_TRUE(names.count(n)) << n;
  EXPECT_FALSE(names.count("language_model.lm_head.weight")) << "tied by default";
  const LinearList linears = vlm->named_linears();
  // vision: 2 blocks x (q, k, v, out, fc1, fc2); projector: 2; LLM: 2 blocks x (q, k, v, o, gate, up, down)
  EXPECT_EQ(linears.size(), 2u * 6 + 2u + 2u * 7);
}

TEST(Vlm, LossOnlyOverSupervisedPositionsAndImagesPerSample) {
  auto vlm = build_vlm(tiny_config());
  const int64_t img = 63, P = 16;
  // Sample 0: two images; sample 1: one image, left-padded.
  std::vector<int64_t> s0 = {5, 6};
  for (int k = 0; k < 2 * P; ++k) s0.push_back(img);
  for (int64_t t : {7, 8, 9, 10}) s0.push_back(t);
  std::vector<int64_t> s1 = {11};
  for (int k = 0; k < P; ++k) s1.push_back(img);
  for (int64_t t : {12, 13}) s1.push_back(t);
  const int64_t T = static_cast<int64_t>(s0.size());
  torch::Tensor ids = torch::zeros({2, T}, torch::kInt64), mask = torch::zeros({2, T}, torch::kInt64);
  ids[0].copy_(torch::tensor(s0));
  mask[0].fill_(1);
  ids[1].narrow(0, T - static_cast<int64_t>(s1.size()), s1.size()).copy_(torch::tensor(s1));
  mask[1].narrow(0, T - static_cast<int64_t>(s1.size()), s1.size()).fill_(1);
  torch::Tensor labels = torch::full({2, T}, -100, torch::kInt64);
  labels[0].narrow(0, T - 3, 3).copy_(torch::tensor({8, 9, 10}));
  labels[1].narrow(0, T - 1, 1).fill_(13);
  torch::Tensor pix = torch::randn({3, 3, 32, 32});
  VlmOutputs out = vlm->forward({ids, pix, mask, labels}, true);
  EXPECT_EQ(out.num_supervised, 4);
  // Same loss as cross-entropy over full logits at the shifted supervised positions.
  torch::Tensor lg = out.logits.narrow(1, 0, T - 1).reshape({-1, out.logits.size(-1)});
  torch::Tensor tg = labels.narrow(1, 1, T - 1).reshape({-1});
  torch::Tensor ref = torch::nn::functional::cross_entropy(
      lg, tg, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
  EXPECT_NEAR(out.loss.item<double>(), ref.item<double>(), 1e-5);
  // Stage 1: only the projector trains; gradients reach it through the image features.
  set_requires_grad(vlm->named_parameters(), "multi_modal_projector.", true);
  vlm->forward({ids, pix, mask, labels}).loss.backward();
  EXPECT_GT(vlm->projector.mlp1.fc1.weight.grad().abs().sum().item<double>(), 0.0);
  EXPECT_FALSE(vlm->vision.blocks[0].attn.qkv.weight.grad().defined());
  EXPECT_FALSE(vlm->llm.embed_tokens.grad().defined());
  // A wrong number of images is a clear error.
  EXPECT_THROW(vlm->forward({ids, pix.narrow(0, 0, 2), mask, labels}), Error);
}

TEST(Vlm, DtypeAtLoadAndMetaCounting) {
  ModelConfig c = tiny_config();
  c.dtype = "bf16";
  auto vlm = build_vlm(c);
  for (const auto& s : vlm->named_parameters()) EXPECT_EQ(s.storage->scalar_type(), torch::kBFloat16) << s.name;
  c.dtype = "fp64";
  EXPECT_THROW(build_vlm(c), Error);
  // Meta-device construction allocates nothing and counts the same.
  HfConfig hf{inline_text_config(c.llm), "inline"};
  CausalLM meta(text_config_from_hf(hf), torch::TensorOptions().device(torch::kMeta));
  EXPECT_EQ(count_params(meta.named_parameters()), count_params(vlm->llm.named_parameters()));
}

}  // namespace
}  // namespace vlmforge
