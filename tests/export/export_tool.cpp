// Driver for tests/reference/export_interop_check.py (not a test by itself):
//   export_tool CASE_DIR OUT_DIR
// CASE_DIR is written by export_make_fixtures.py (transformers/peft). The tool
//   1. loads the transformers-written LLaVA (load_llava) -> logits on the image prompt,
//   2. attaches the peft-written adapter (load_peft_adapter) -> LLM logits on the text prompt,
//   3. on a fresh copy attaches LoRA to every LLM linear with seeded random non-zero B, computes
//      the image-prompt and text-prompt logits, exports hf-llava and peft-lora, and checks that
//      exporting left the model untouched (weights, adapters, logits bit-identical),
// and writes all logits to OUT_DIR/vlmforge_logits.safetensors for the Python side to compare.
#include "models/core/error.h"
#include "models/core/fs.h"
#include "models/export/hf_llava.h"
#include "models/export/peft.h"
#include "models/io/safetensors.h"
#include "models/layers/lora.h"
#include "models/loader.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

using namespace vlmforge;
namespace fs = std::filesystem;

namespace {

torch::Tensor text_logits(const VisionLanguageModel& m, const torch::Tensor& ids) {
  return m.llm.logits(m.llm.forward(m.llm.embed(ids), torch::Tensor()));
}

torch::Tensor image_logits(const VisionLanguageModel& m, const torch::Tensor& ids,
                           const torch::Tensor& pix) {
  VlmInputs in;
  in.input_ids = ids;
  in.pixel_values = pix;
  return m.forward(in, /*return_logits=*/true).logits;
}

int run(const std::string& case_dir, const std::string& out_dir) {
  torch::NoGradGuard no_grad;
  const auto meta = nlohmann::json::parse(read_file(case_dir + "/meta.json"));
  const auto io = SafetensorsFile::open(case_dir + "/io.safetensors");
  const torch::Tensor ids = io->get("input_ids").clone(), pix = io->get("pixel_values").clone(),
                      text_ids = io->get("text_ids").clone();
  fs::create_directories(out_dir);
  NamedTensors out;

  // 1 + 2: what transformers and peft wrote, loaded into vlmforge.
  auto loaded = load_llava(case_dir + "/hf", torch::kFloat32);
  out.emplace_back("llava_logits", image_logits(*loaded, ids, pix));
  const auto wrapped = load_peft_adapter(*loaded, case_dir + "/peft_adapter");
  out.emplace_back("peft_loaded_text_logits", text_logits(*loaded, text_ids));
  std::cout << "load_peft_adapter: " << wrapped.size() << " linears wrapped\n";

  // 3: a LoRA-trained model exported.
  auto m = load_llava(case_dir + "/hf", torch::kFloat32);
  LinearList linears = m->named_linears();
  LoraSpec spec;
  spec.r = meta.at("lora_r").get<int64_t>();
  spec.alpha = meta.at("lora_alpha").get<double>();
  spec.rslora = meta.at("use_rslora").get<bool>();
  spec.dropout = 0.0;
  torch::Generator gen = at::detail::createCPUGenerator(meta.at("lora_seed").get<uint64_t>());
  const auto targets = apply_lora(linears, "language_model\\.model\\.layers\\..*", spec, gen);
  for (auto& nl : linears)
    if (auto l = std::dynamic_pointer_cast<LoraAdapter>(nl.get().adapter)) l->B.normal_(0.0, 0.2, gen);
  set_lora_training(linears, false);
  const torch::Tensor lora_image = image_logits(*m, ids, pix);
  const torch::Tensor lora_text = text_logits(*m, text_ids);
  out.emplace_back("lora_logits", lora_image);
  out.emplace_back("lora_text_logits", lora_text);

  std::vector<torch::Tensor> before;
  ParamList params = m->named_parameters();
  for (const auto& s : params) before.push_back(s.view().clone());

  HfLlavaExportOptions ho;
  ho.out_dir = out_dir + "/hf_llava";
  ho.tokenizer_dir = case_dir + "/hf";
  ho.chat_template = meta.at("chat_template").get<std::string>();
  ho.max_shard_bytes = meta.at("max_shard_bytes").get<uint64_t>();
  const HfLlavaExportResult hr = export_hf_llava(*m, ho);
  std::cout << "export_hf_llava: " << hr.num_tensors << " tensors in " << hr.weight_files.size()
            << " file(s), " << hr.num_merged_lora << " LoRA adapters merged\n";
  for (const auto& w : hr.warnings) std::cout << "  warning: " << w << "\n";
  PeftExportOptions po;
  po.out_dir = out_dir + "/peft_lora";
  po.base_model_name_or_path = case_dir + "/text_base";
  const PeftExportResult pr = export_peft_lora(*m, po);
  std::cout << "export_peft_lora: " << pr.modules.size() << " modules\n";

  // Exporting must not touch the model.
  ParamList after = m->named_parameters();
  bool same = after.size() == params.size();
  for (size_t i = 0; same && i < after.size(); ++i)
    same = after[i].name == params[i].name && torch::equal(after[i].view(), before[i]);
  size_t still_attached = 0;
  for (auto& nl : m->named_linears()) still_attached += nl.get().adapter ? 1 : 0;
  same = same && still_attached == targets.size() &&
         torch::equal(image_logits(*m, ids, pix), lora_image);
  std::cout << "model unchanged by export: " << (same ? "yes" : "NO") << " (" << still_attached
            << " adapters still attached)\n";

  save_safetensors(out_dir + "/vlmforge_logits.safetensors", out);
  return same && pr.modules.size() == targets.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: export_tool CASE_DIR OUT_DIR\n";
    return 2;
  }
  try {
    return run(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
