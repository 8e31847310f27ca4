// Bad checkpoints fail with a vlmforge::Error naming the tensor or the architecture.
#include "models/core/error.h"
#include "models/io/safetensors.h"
#include "models/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace vlmforge {
namespace {

namespace fs = std::filesystem;

struct TinyCheckpoint {
  fs::path dir;
  explicit TinyCheckpoint(const std::string& name) {
    dir = fs::temp_directory_path() / ("vlmforge_models_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TinyCheckpoint() { fs::remove_all(dir); }
  void write_config(const json& j) const { std::ofstream(dir / "config.json") << j.dump(); }
};

LlmModelConfig tiny_llm() {
  LlmModelConfig c;
  c.vocab_size = 32;
  c.hidden_size = 16;
  c.intermediate_size = 24;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.num_key_value_heads = 1;
  c.tie_word_embeddings = false;
  return c;
}

NamedTensors weights_of(CausalLM& lm) {
  NamedTensors out;
  for (const auto& s : lm.named_parameters()) out.emplace_back(s.name, s.view().contiguous());
  return out;
}

std::string load_error(const fs::path& dir) {
  try {
    load_causal_lm(dir.string(), torch::kFloat32);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(LoadErrors, MissingTensorIsNamed) {
  TinyCheckpoint ck("missing");
  const json cfg = inline_text_config(tiny_llm());
  ck.write_config(cfg);
  CausalLM lm(text_config_from_hf({cfg, "x"}), torch::kFloat32);
  NamedTensors w = weights_of(lm);
  w.erase(std::remove_if(w.begin(), w.end(),
                         [](const auto& p) { return p.first == "model.layers.0.self_attn.v_proj.weight"; }),
          w.end());
  save_safetensors((ck.dir / "model.safetensors").string(), w);
  const std::string msg = load_error(ck.dir);
  EXPECT_NE(msg.find("missing tensor 'model.layers.0.self_attn.v_proj.weight'"), std::string::npos) << msg;
}

TEST(LoadErrors, MisShapedTensorIsNamed) {
  TinyCheckpoint ck("shape");
  const json cfg = inline_text_config(tiny_llm());
  ck.write_config(cfg);
  CausalLM lm(text_config_from_hf({cfg, "x"}), torch::kFloat32);
  NamedTensors w = weights_of(lm);
  for (auto& [name, t] : w)
    if (name == "model.layers.0.mlp.gate_proj.weight") t = torch::zeros({23, 16});
  save_safetensors((ck.dir / "model.safetensors").string(), w);
  const std::string msg = load_error(ck.dir);
  EXPECT_NE(msg.find("'model.layers.0.mlp.gate_proj.weight' has shape [23, 16]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[24, 16]"), std::string::npos) << msg;
}

TEST(LoadErrors, UnsupportedArchitectureIsNamed) {
  TinyCheckpoint ck("arch");
  json cfg = inline_text_config(tiny_llm());
  cfg["architectures"] = {"MambaForCausalLM"};
  cfg["model_type"] = "mamba";
  ck.write_config(cfg);
  const std::string msg = load_error(ck.dir);
  EXPECT_NE(msg.find("unsupported architecture 'MambaForCausalLM'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Qwen2ForCausalLM"), std::string::npos) << "lists what is supported: " << msg;
}

TEST(LoadErrors, UnsupportedQuantisationAndVisionTowerAreNamed) {
  TinyCheckpoint ck("quant");
  json cfg = inline_text_config(tiny_llm());
  cfg["quantization_config"] = {{"quant_method", "gptq"}, {"bits", 4}};
  ck.write_config(cfg);
  EXPECT_NE(load_error(ck.dir).find("'gptq'"), std::string::npos);
  json llava = {{"model_type", "llava"},
                {"vision_config", {{"model_type", "clip_vision_model"}}},
                {"text_config", inline_text_config(tiny_llm())}};
  ck.write_config(llava);
  try {
    load_llava(ck.dir.string(), torch::kFloat32);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("clip_vision_model"), std::string::npos) << e.what();
  }
}

TEST(LoadErrors, AwqCheckpointDequantisesAtLoad) {
  // Every linear stored as AWQ with zero codes, zero points 8 and scale 0.5: W = (0 - 8) * 0.5.
  TinyCheckpoint ck("awq");
  json cfg = inline_text_config(tiny_llm());
  cfg["intermediate_size"] = 16;
  cfg["quantization_config"] = {{"quant_method", "awq"}, {"bits", 4}, {"group_size", 8},
                                {"version", "gemm"}, {"zero_point", true}};
  ck.write_config(cfg);
  CausalLM lm(text_config_from_hf({cfg, "x"}), torch::kFloat32);
  NamedTensors w;
  const int32_t eights = static_cast<int32_t>(0x88888888u);
  for (const auto& s : lm.named_parameters()) {
    const std::string& n = s.name;
    const bool linear = n.find("_proj.weight") != std::string::npos;
    if (!linear) {
      w.emplace_back(n, s.view().contiguous());
      continue;
    }
    const std::string base = n.substr(0, n.size() - 7);
    const int64_t N = s.view().size(0), K = s.view().size(1);
    w.emplace_back(base + ".qweight", torch::zeros({K, N / 8}, torch::kInt32));
    w.emplace_back(base + ".qzeros", torch::full({K / 8, N / 8}, eights, torch::kInt32));
    w.emplace_back(base + ".scales", torch::full({K / 8, N}, 0.5, torch::kFloat16));
  }
  save_safetensors((ck.dir / "model.safetensors").string(), w);
  auto loaded = load_causal_lm(ck.dir.string(), torch::kFloat16);
  EXPECT_TRUE(torch::equal(loaded->blocks[0].attn.qkv.weight,
                           torch::full_like(loaded->blocks[0].attn.qkv.weight, -4.0)));
  EXPECT_EQ(loaded->blocks[0].attn.qkv.weight.scalar_type(), torch::kFloat16);
}

}  // namespace
}  // namespace vlmforge

namespace vlmforge {
namespace {

// transformers 4 saved LLaVA text_config as a diff against the class defaults.
TEST(HfConfigs, MissingKeysTakeTheFamilyDefaults) {
  const TextConfig llama = text_config_from_hf(
      {json{{"architectures", {"LlamaForCausalLM"}}, {"vocab_size", 32064}}, "llava-1.5 text_config"});
  EXPECT_EQ(llama.hidden_size, 4096);
  EXPECT_EQ(llama.intermediate_size, 11008);
  EXPECT_EQ(llama.num_layers, 32);
  EXPECT_EQ(llama.num_kv_heads, 32);
  EXPECT_EQ(llama.vocab_size, 32064);
  const TextConfig phi = text_config_from_hf({json{{"model_type", "phi"}}, "phi"});
  EXPECT_EQ(phi.rotary_dim(), 32);  // Phi-1.5: head_dim 64, partial_rotary_factor 0.5
  EXPECT_TRUE(phi.lm_head_bias);
  const TextConfig qwen = text_config_from_hf(
      {json{{"model_type", "qwen2"}, {"rope_parameters", {{"rope_theta", 1e6}}}}, "qwen"});
  EXPECT_EQ(qwen.rope_theta, 1e6);
  EXPECT_TRUE(qwen.qkv_bias);
  EXPECT_FALSE(qwen.o_bias);
}

}  // namespace
}  // namespace vlmforge
