#include "train/answerer.h"

#include "data/image/decode.h"

namespace vlmforge {

VlmAnswerer::VlmAnswerer(ModelBundle& bundle, const chat::ChatConfig& chat, int64_t max_new_tokens)
    : bundle_(bundle),
      chat_(chat),
      images_(image::ImageProcessorConfig::siglip(static_cast<int>(bundle.image_size()))) {
  gen_.max_new_tokens = max_new_tokens;
  const auto& sp = bundle.tokenizer->special_ids();
  if (sp.eos >= 0) gen_.stop_token_ids.push_back(sp.eos);
  // ChatML / Llama-3 end their turns with a dedicated token.
  for (const char* end : {"<|im_end|>", "<|eot_id|>", "<|endoftext|>"}) {
    int32_t id = bundle.tokenizer->token_to_id(end);
    if (id >= 0) gen_.stop_token_ids.push_back(id);
  }
  gen_.pad_token_id = sp.pad >= 0 ? sp.pad : (sp.eos >= 0 ? sp.eos : 0);
}

std::vector<std::string> VlmAnswerer::answer(const std::vector<Question>& batch) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<int32_t>> prompts;
  std::vector<torch::Tensor> pixels;
  size_t longest = 0;
  for (const auto& q : batch) {
    std::string content = q.text;
    if (!q.image_path.empty()) {
      content = chat_.image_placeholder + "\n" + content;
      pixels.push_back(images_(image::load_image(q.image_path)));
    }
    chat::RenderedChat r = chat::render_chat(*bundle_.tokenizer, {{"user", content}}, chat_, true);
    longest = std::max(longest, r.ids.size());
    prompts.push_back(std::move(r.ids));
  }
  // Left padding: every prompt ends where generation starts.
  const int64_t B = static_cast<int64_t>(batch.size()), T = static_cast<int64_t>(longest);
  torch::Tensor ids = torch::full({B, T}, gen_.pad_token_id, torch::kInt64);
  torch::Tensor mask = torch::zeros({B, T}, torch::kInt64);
  for (int64_t b = 0; b < B; ++b) {
    const auto& p = prompts[static_cast<size_t>(b)];
    const int64_t off = T - static_cast<int64_t>(p.size());
    for (size_t i = 0; i < p.size(); ++i) ids[b][off + static_cast<int64_t>(i)] = p[i];
    mask.narrow(1, off, T - off)[b].fill_(1);
  }
  const torch::Device dev = bundle_.model->llm.embed_tokens.device();
  torch::Tensor pix = pixels.empty() ? torch::Tensor() : torch::stack(pixels).to(dev, bundle_.model->llm.embed_tokens.scalar_type());
  torch::Tensor out = generate(*bundle_.model, ids.to(dev), pix, mask.to(dev), gen_).cpu();
  std::vector<std::string> answers;
  for (int64_t b = 0; b < B; ++b) {
    std::vector<int32_t> toks;
    for (int64_t i = 0; i < out.size(1); ++i) {
      int64_t t = out[b][i].item<int64_t>();
      if (std::find(gen_.stop_token_ids.begin(), gen_.stop_token_ids.end(), t) != gen_.stop_token_ids.end()) break;
      toks.push_back(static_cast<int32_t>(t));
    }
    std::string text = bundle_.tokenizer->decode(toks, true);
    // Trim the whitespace templates put around answers ("Answer: ...").
    size_t a = text.find_first_not_of(" \n\t"), z = text.find_last_not_of(" \n\t");
    answers.push_back(a == std::string::npos ? "" : text.substr(a, z - a + 1));
  }
  return answers;
}

EvalSet load_eval_set(const data::Dataset& dataset) {
  EvalSet set;
  for (size_t i = 0; i < dataset.size(); ++i) {
    set.samples.push_back(dataset.get(i));
    set.records.push_back(set.samples.back().meta);
  }
  return set;
}

eval::AnswerBatchFn answer_fn(VlmAnswerer& answerer, const std::vector<data::Sample>& samples) {
  return [&answerer, &samples](const std::vector<const eval::EvalQuestion*>& batch) {
    std::vector<Question> qs;
    for (const auto* q : batch) qs.push_back({samples.at(q->sample_index).image_path, q->question});
    return answerer.answer(qs);
  };
}

}  // namespace vlmforge
