// Export unit tests (no Python): what the exporters refuse, the LoRA merge on a copy, the Phi
// lm_head bias policy, sharding, and the PEFT round trip. Interop with transformers/peft is in
// tests/reference/export_interop_check.py.
#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/export/hf_llava.h"
#include "models/export/peft.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"
#include "models/loader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <functional>

using namespace vlmforge;
namespace fs = std::filesystem;

namespace {

ModelConfig tiny(const std::string& arch, const std::string& projector = "mlp2x_gelu") {
  ModelConfig c;
  c.vision.hidden_size = 32;
  c.vision.intermediate_size = 48;
  c.vision.num_hidden_layers = 2;
  c.vision.num_attention_heads = 2;
  c.vision.image_size = 32;
  c.vision.patch_size = 8;
  c.llm.arch = arch;
  c.llm.vocab_size = 64;
  c.llm.hidden_size = 32;
  c.llm.intermediate_size = 48;
  c.llm.num_hidden_layers = 2;
  c.llm.num_attention_heads = 4;
  c.llm.num_key_value_heads = arch == "phi" ? 4 : 2;
  c.llm.partial_rotary_factor = arch == "phi" ? 0.5 : 1.0;
  c.llm.tie_word_embeddings = arch != "phi";
  c.projector = projector;
  c.image_token_id = 63;
  return c;
}

std::vector<std::string> with_lora(VisionLanguageModel& m, uint64_t seed = 3) {
  LinearList l = m.named_linears();
  LoraSpec spec;
  spec.r = 2;
  spec.alpha = 4;
  spec.dropout = 0;
  torch::Generator gen = at::detail::createCPUGenerator(seed);
  auto names = apply_lora(l, "language_model\\.model\\.layers\\..*", spec, gen);
  for (auto& nl : l)
    if (auto a = std::dynamic_pointer_cast<LoraAdapter>(nl.get().adapter)) a->B.normal_(0, 0.3, gen);
  set_lora_training(l, false);
  return names;
}

torch::Tensor text_logits(const VisionLanguageModel& m) {
  torch::NoGradGuard g;
  torch::Tensor ids = torch::arange(1, 12).reshape({1, 11});
  return m.llm.logits(m.llm.forward(m.llm.embed(ids), torch::Tensor()));
}

const torch::Tensor* find(const NamedTensors& t, const std::string& name) {
  for (const auto& [n, v] : t)
    if (n == name) return &v;
  return nullptr;
}

std::string temp_dir(const std::string& name) {
  // Per process: several build trees may run this binary at the same time.
  const fs::path d = fs::temp_directory_path() /
                     ("vlmforge_export_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(d);
  return d.string();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(HfLlavaExport, RefusesMoondreamProjector) {
  auto m = build_vlm(tiny("phi", "moondream1"));
  const std::string msg = error_of([&] { hf_llava_config(*m, torch::kFloat32); });
  EXPECT_NE(msg.find("moondream1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not expressible"), std::string::npos) << msg;
  HfLlavaExportOptions o;
  o.out_dir = temp_dir("moondream");
  EXPECT_THROW(export_hf_llava(*m, o), Error);
  EXPECT_FALSE(fs::exists(o.out_dir));
}

TEST(HfLlavaExport, RefusesPostLayernormFeatures) {
  auto m = build_vlm(tiny("qwen2"));
  m->vision_post_layernorm = true;
  EXPECT_NE(error_of([&] { hf_llava_config(*m, torch::kFloat32); }).find("post_layernorm"),
            std::string::npos);
}

TEST(HfLlavaExport, MergesLoraIntoACopy) {
  auto m = build_vlm(tiny("qwen2"));
  const auto wrapped = with_lora(*m);
  ASSERT_EQ(wrapped.size(), 2u * 7u);
  const torch::Tensor logits_before = text_logits(*m);
  // Reference merge from the adapter's own tensors: W + (alpha / r) · B A.
  LinearList l = m->named_linears();
  const NamedLinear* q = nullptr;
  for (const auto& nl : l)
    if (nl.name == "language_model.model.layers.1.self_attn.k_proj") q = &nl;
  ASSERT_NE(q, nullptr);
  auto lora = std::dynamic_pointer_cast<LoraAdapter>(q->get().adapter);
  const torch::Tensor w = q->linear->weight.narrow(0, q->get().offset, q->get().rows).clone();
  const torch::Tensor want = w + 2.0 * torch::matmul(lora->B, lora->A);

  HfLlavaExportResult r;
  const NamedTensors t = hf_llava_tensors(*m, torch::kFloat32, LmHeadBias::refuse, &r);
  EXPECT_EQ(r.num_merged_lora, wrapped.size());
  const torch::Tensor* got = find(t, "language_model.model.layers.1.self_attn.k_proj.weight");
  ASSERT_NE(got, nullptr);
  EXPECT_LT((*got - want).abs().max().item<double>(), 1e-6);
  for (const auto& [n, v] : t) EXPECT_EQ(n.find("lora_"), std::string::npos) << n;
  EXPECT_EQ(find(t, "language_model.lm_head.weight"), nullptr);  // tied: embed_tokens only

  // The caller's model still has its adapters and computes the same logits.
  EXPECT_TRUE(torch::equal(q->linear->weight.narrow(0, q->get().offset, q->get().rows), w));
  EXPECT_TRUE(q->get().adapter != nullptr);
  EXPECT_TRUE(torch::equal(text_logits(*m), logits_before));
}

TEST(HfLlavaExport, PhiLmHeadBiasPolicy) {
  auto m = build_vlm(tiny("phi"));
  ASSERT_TRUE(m->llm.lm_head_bias.defined());
  const std::string key = "language_model.lm_head.bias";
  // All-zero bias: omitted under the default policy (nothing is lost).
  EXPECT_EQ(find(hf_llava_tensors(*m, torch::kFloat32, LmHeadBias::refuse), key), nullptr);
  m->llm.lm_head_bias.fill_(0.25);
  const std::string msg =
      error_of([&] { hf_llava_tensors(*m, torch::kFloat32, LmHeadBias::refuse); });
  EXPECT_NE(msg.find("non-zero bias"), std::string::npos) << msg;
  HfLlavaExportResult r;
  EXPECT_EQ(find(hf_llava_tensors(*m, torch::kFloat32, LmHeadBias::drop, &r), key), nullptr);
  ASSERT_EQ(r.warnings.size(), 1u);
  const NamedTensors kept = hf_llava_tensors(*m, torch::kFloat32, LmHeadBias::keep);
  ASSERT_NE(find(kept, key), nullptr);
  EXPECT_EQ(find(kept, key)->sum().item<double>(), 0.25 * 64);
  EXPECT_EQ(parse_lm_head_bias("drop", "x"), LmHeadBias::drop);
  EXPECT_THROW(parse_lm_head_bias("fold", "x"), Error);
}

TEST(HfLlavaExport, ShardedFolderRoundTrips) {
  auto m = build_vlm(tiny("phi"));
  with_lora(*m);
  HfLlavaExportOptions o;
  o.out_dir = temp_dir("sharded");
  o.max_shard_bytes = 40'000;
  o.dtype = torch::kBFloat16;
  const auto r = export_hf_llava(*m, o);
  EXPECT_GT(r.weight_files.size(), 1u);
  ASSERT_TRUE(fs::exists(fs::path(o.out_dir) / "model.safetensors.index.json"));
  const auto cfg = nlohmann::json::parse(read_file(o.out_dir + "/config.json"));
  EXPECT_EQ(cfg["text_config"]["architectures"][0], "PhiForCausalLM");
  EXPECT_EQ(cfg["torch_dtype"], "bfloat16");
  EXPECT_EQ(cfg["vision_config"]["vision_use_head"], false);
  EXPECT_EQ(cfg["image_seq_length"], 16);
  const NamedTensors want = hf_llava_tensors(*m, torch::kBFloat16, LmHeadBias::refuse);
  const SafetensorsReader reader = SafetensorsReader::open(o.out_dir);
  ASSERT_EQ(reader.names().size(), want.size());
  for (const auto& [n, v] : want) EXPECT_TRUE(torch::equal(reader.get(n), v)) << n;
  EXPECT_EQ(reader.metadata().at("format"), "pt");
  // The exported folder loads back into vlmforge with the merged weights.
  auto back = load_llava(o.out_dir, torch::kFloat32);
  m->to(torch::TensorOptions().dtype(torch::kBFloat16));
  EXPECT_LT((text_logits(*back) - text_logits(*m).to(torch::kFloat32)).abs().max().item<double>(),
            5e-2);
  fs::remove_all(o.out_dir);
}

TEST(PeftExport, RoundTripAndRefusals) {
  auto m = build_vlm(tiny("qwen2"));
  PeftExportOptions o;
  o.out_dir = temp_dir("peft");
  EXPECT_NE(error_of([&] { export_peft_lora(*m, o); }).find("no LoRA"), std::string::npos);

  const auto wrapped = with_lora(*m);
  const auto r = export_peft_lora(*m, o);
  EXPECT_EQ(r.modules.size(), wrapped.size());
  EXPECT_EQ(r.modules.front().rfind("model.layers.", 0), 0u);
  const auto cfg = nlohmann::json::parse(read_file(o.out_dir + "/adapter_config.json"));
  EXPECT_EQ(cfg["target_modules"].size(), 7u);  // every q/k/v/o/gate/up/down: leaf names
  auto f = SafetensorsFile::open(o.out_dir + "/adapter_model.safetensors");
  EXPECT_TRUE(f->contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));

  auto fresh = build_vlm(tiny("qwen2"));
  EXPECT_EQ(load_peft_adapter(*fresh, o.out_dir).size(), wrapped.size());
  EXPECT_LT((text_logits(*fresh) - text_logits(*m)).abs().max().item<double>(), 1e-6);
  // The same adapter on the bare causal LM.
  auto lm_fresh = build_vlm(tiny("qwen2"));
  EXPECT_EQ(load_peft_adapter(lm_fresh->llm, o.out_dir).size(), wrapped.size());

  // Unsupported options are named.
  auto j = cfg;
  j["use_dora"] = true;
  write_file_atomic(o.out_dir + "/adapter_config.json", j.dump());
  EXPECT_NE(error_of([&] { load_peft_adapter(*fresh, o.out_dir); }).find("use_dora"),
            std::string::npos);
  fs::remove_all(o.out_dir);

  // Adapters outside the LLM cannot go into a causal-LM adapter.
  LinearList l = m->named_linears();
  LoraSpec spec;
  spec.r = 2;
  apply_lora(l, "multi_modal_projector\\..*", spec, at::detail::createCPUGenerator(1));
  EXPECT_NE(error_of([&] { export_peft_lora(*m, o); }).find("outside the language model"),
            std::string::npos);
}

TEST(PeftExport, SubsetOfLayersUsesRegex) {
  auto m = build_vlm(tiny("qwen2"));
  LinearList l = m->named_linears();
  LoraSpec spec;
  spec.r = 2;
  apply_lora(l, "language_model\\.model\\.layers\\.1\\.self_attn\\.(q|v)_proj", spec,
             at::detail::createCPUGenerator(1));
  PeftExportOptions o;
  o.out_dir = temp_dir("peft_regex");
  export_peft_lora(*m, o);
  const auto cfg = nlohmann::json::parse(read_file(o.out_dir + "/adapter_config.json"));
  ASSERT_TRUE(cfg["target_modules"].is_string());
  EXPECT_EQ(cfg["target_modules"],
            "model\\.layers\\.1\\.self_attn\\.q_proj|model\\.layers\\.1\\.self_attn\\.v_proj");
  fs::remove_all(o.out_dir);
}
