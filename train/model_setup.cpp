#include "train/model_setup.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "data/dataset/dataset.h"
#include "data/tokenizer/sp_tokenizer.h"
#include "models/core/error.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"
#include "models/loader.h"

namespace vlmforge {
namespace fs = std::filesystem;

int64_t ModelBundle::image_tokens() const {
  int64_t n = model->vision.config.num_patches();
  return model->drop_first_image_token ? n - 1 : n;
}

LinearList ModelBundle::llm_linears() {
  LinearList all = model->named_linears(), out;
  for (auto& l : all)
    if (l.name.rfind(std::string(VisionLanguageModel::kLlmPrefix) + ".", 0) == 0) out.push_back(l);
  return out;
}

namespace {

// The training text, one conversation turn per line, for SentencePiece training.
std::string write_training_text(const RootConfig& cfg, const std::string& out_file) {
  auto ds = data::open_dataset(cfg.data.train, cfg.data.format, "train");
  std::ofstream out(out_file);
  if (!out) throw Error("cannot write", out_file);
  const std::string& ph = cfg.data.chat.image_placeholder;
  for (size_t i = 0; i < ds->size(); ++i) {
    data::Sample s = ds->get(i);
    for (const auto& t : s.conversations) {
      std::string v = t.value;
      for (size_t p; !ph.empty() && (p = v.find(ph)) != std::string::npos;) v.erase(p, ph.size());
      for (char& c : v)
        if (c == '\n') c = ' ';
      if (!v.empty()) out << v << "\n";
    }
  }
  return out_file;
}

}  // namespace

std::string resolve_tokenizer(const RootConfig& cfg) {
  const std::string& t = cfg.data.tokenizer;
  if (!t.empty() && fs::exists(t)) return t;
  if (!t.empty() && cfg.data.tokenizer_vocab > 0) {
    fs::create_directories(fs::path(t).parent_path().empty() ? "." : fs::path(t).parent_path());
    std::string prefix = t;
    if (prefix.size() > 6 && prefix.compare(prefix.size() - 6, 6, ".model") == 0)
      prefix.resize(prefix.size() - 6);
    std::string text = write_training_text(cfg, prefix + ".corpus.txt");
    tokenizer::SentencePieceTrainOptions opt;
    opt.vocab_size = static_cast<int>(cfg.data.tokenizer_vocab);
    opt.user_defined_symbols = {cfg.data.chat.image_placeholder};
    std::string model = tokenizer::train_sentencepiece(text, prefix, opt);
    fs::remove(text);
    return model;
  }
  if (!t.empty()) throw Error("tokenizer file does not exist", "data.tokenizer: " + t,
                              "set data.tokenizer_vocab to train one");
  for (const std::string& dir : {cfg.model.llava_path, cfg.model.llm.path}) {
    if (dir.empty()) continue;
    for (const char* f : {"tokenizer.json", "tokenizer.model"})
      if (fs::exists(fs::path(dir) / f)) return (fs::path(dir) / f).string();
  }
  throw Error("no tokenizer: set data.tokenizer (a tokenizer.json or .model)", "data.tokenizer");
}

ModelBundle build_bundle(RootConfig& cfg, bool with_lora) {
  ModelBundle b;
  b.tokenizer_file = resolve_tokenizer(cfg);
  b.tokenizer = tokenizer::load_tokenizer(b.tokenizer_file);
  b.from_scratch_vision = cfg.model.llava_path.empty() && cfg.model.vision.path.empty();
  b.from_scratch_llm = cfg.model.llava_path.empty() && cfg.model.llm.path.empty();

  ModelConfig mc = cfg.model;
  if (mc.image_token_id < 0 && mc.llava_path.empty()) {
    // From-scratch or separate parts: the image token is the tokenizer's placeholder token.
    int32_t id = b.tokenizer->token_to_id(cfg.data.chat.image_placeholder);
    if (id < 0) id = b.tokenizer->token_to_id("<|image_pad|>");
    if (id < 0)
      throw Error("the tokenizer has no token for the image placeholder '" +
                      cfg.data.chat.image_placeholder + "'",
                  "model.image_token_id", "set model.image_token_id to a token id of the tokenizer");
    mc.image_token_id = id;
  }
  b.model = build_vlm(mc);
  const int64_t vocab = b.model->llm.config.vocab_size;
  if (static_cast<int64_t>(b.tokenizer->vocab_size()) > vocab)
    throw Error("tokenizer has " + std::to_string(b.tokenizer->vocab_size()) +
                    " ids but the LLM's vocabulary is " + std::to_string(vocab),
                b.tokenizer_file, "use the LLM's own tokenizer or raise model.llm.vocab_size");
  cfg.model.image_token_id = b.model->image_token_id;
  cfg.data.chat.image_token_id = static_cast<int>(b.model->image_token_id);
  cfg.data.chat.image_tokens_per_image = static_cast<int>(b.image_tokens());

  if (with_lora) {
    LinearList llm = b.llm_linears();
    LoraSpec spec{cfg.train.lora.r, cfg.train.lora.alpha, cfg.train.lora.dropout, cfg.train.lora.rslora};
    torch::Generator gen = at::detail::createCPUGenerator(static_cast<uint64_t>(cfg.train.seed) + 7);
    apply_lora(llm, cfg.train.lora.target, spec, gen);
    if (b.model->llm.embed_tokens.device() != torch::Device(torch::kCPU))
      b.model->to(b.model->llm.embed_tokens.options());
  }
  return b;
}

RootConfig read_checkpoint_config(const std::string& ckpt_dir, const std::vector<std::string>& overrides) {
  const std::string path = (fs::path(ckpt_dir) / "config.yaml").string();
  if (!fs::exists(path)) throw Error("not a vlmforge checkpoint (no config.yaml)", ckpt_dir);
  return config::load_root(path, overrides);
}

size_t load_weights_into(VisionLanguageModel& model, const std::string& path) {
  auto file = SafetensorsFile::open(path);
  ParamList params = model.named_parameters();
  std::map<std::string, const ParamSlot*> by_name;
  for (const auto& s : params) by_name[s.name] = &s;
  torch::NoGradGuard no_grad;
  size_t n = 0;
  for (const auto& e : file->entries()) {
    auto it = by_name.find(e.name);
    if (it == by_name.end())
      throw Error("tensor '" + e.name + "' is not a parameter of this model", path,
                  "checkpoint from another model or LoRA configuration?");
    torch::Tensor dst = it->second->view();
    if (dst.sizes().vec() != e.shape)
      throw Error("tensor '" + e.name + "' has shape " + c10::str(c10::IntArrayRef(e.shape)) +
                      " but the model expects " + c10::str(dst.sizes()),
                  path, "checkpoint from another model?");
    dst.copy_(file->get(e.name));
    ++n;
  }
  return n;
}

ModelBundle load_checkpoint_bundle(const std::string& ckpt_dir, RootConfig* cfg_out) {
  RootConfig cfg = read_checkpoint_config(ckpt_dir);
  // The tokenizer travels with the checkpoint.
  for (const char* f : {"tokenizer.json", "tokenizer.model"}) {
    fs::path p = fs::path(ckpt_dir) / f;
    if (fs::exists(p)) {
      cfg.data.tokenizer = p.string();
      cfg.data.tokenizer_vocab = 0;
      break;
    }
  }
  const std::string weights = (fs::path(ckpt_dir) / "model.safetensors").string();
  bool has_lora = false;
  {
    auto file = SafetensorsFile::open(weights);
    for (const auto& e : file->entries())
      if (e.name.find(".lora_A.") != std::string::npos) has_lora = true;
  }
  ModelBundle b = build_bundle(cfg, has_lora);
  load_weights_into(*b.model, weights);
  if (cfg_out) *cfg_out = cfg;
  return b;
}

}  // namespace vlmforge
