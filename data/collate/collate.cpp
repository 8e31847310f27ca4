#include "data/collate/collate.h"

#include <algorithm>
#include <cstdio>

#include "models/core/error.h"

namespace vlmforge::data {

std::vector<chat::Message> to_messages(const std::vector<Turn>& turns, const std::string& where) {
  std::vector<chat::Message> out;
  out.reserve(turns.size());
  for (size_t i = 0; i < turns.size(); ++i) {
    const std::string& f = turns[i].from;
    std::string role;
    if (f == "human" || f == "user") role = "user";
    else if (f == "gpt" || f == "assistant") role = "assistant";
    else if (f == "system") role = "system";
    else
      throw Error("unknown speaker '" + f + "'", where + " conversations[" + std::to_string(i) + "]",
                  "use human/gpt (or user/assistant, system)");
    out.push_back({role, turns[i].value});
  }
  return out;
}

Collator::Collator(std::shared_ptr<const tokenizer::Tokenizer> tok, chat::ChatConfig chat,
                   image::ImageProcessorConfig image, CollateOptions opt)
    : tok_(std::move(tok)),
      template_(chat::make_chat_template(chat.template_name)),
      chat_(std::move(chat)),
      image_(image),
      opt_(std::move(opt)) {
  if (!tok_) throw Error("collator needs a tokenizer", "data.tokenizer");
  if (opt_.overlong != "truncate" && opt_.overlong != "skip")
    throw Error("unknown policy '" + opt_.overlong + "'", "data.overlong", "truncate | skip");
  if (opt_.max_length < 2) throw Error("max_length must be >= 2", "data.max_length");
  if (chat_.image_tokens_per_image > opt_.max_length)
    throw Error("an image alone (" + std::to_string(chat_.image_tokens_per_image) +
                    " tokens) exceeds max_length " + std::to_string(opt_.max_length), "data.max_length");
  const auto& sp = tok_->special_ids();
  pad_id_ = opt_.pad_id >= 0 ? opt_.pad_id : sp.pad >= 0 ? sp.pad : sp.eos >= 0 ? sp.eos : 0;
}

void Collator::warn(const std::string& msg) const {
  if (warned_.fetch_add(1) < opt_.warn_limit) {
    std::fprintf(stderr, "warning: %s\n", msg.c_str());
    if (warned_.load() == opt_.warn_limit)
      std::fprintf(stderr, "warning: further length warnings are only counted\n");
  }
}

CollateStats Collator::stats() const { return {samples_.load(), truncated_.load(), skipped_.load()}; }

EncodedSample Collator::encode(const Sample& s) const {
  chat::RenderedChat r;
  try {
    r = chat::render_chat(*template_, *tok_, to_messages(s.conversations, s.source), chat_);
  } catch (const Error& e) {
    throw e.with_context("sample " + s.source);
  }
  const int want_images = s.has_image() ? 1 : 0;
  if (r.num_images != want_images)
    throw Error("conversation has " + std::to_string(r.num_images) + " \"" + chat_.image_placeholder +
                    "\" placeholder(s) but the sample has " + std::to_string(want_images) + " image",
                "sample " + s.source, "put exactly one \"<image>\" in the first human turn");
  EncodedSample e{s.id, std::move(r.ids), std::move(r.labels), false};
  const int64_t n = static_cast<int64_t>(e.ids.size());
  if (n > opt_.max_length) {
    if (opt_.overlong == "skip") {
      warn("sample " + s.source + " has " + std::to_string(n) + " tokens > max_length " +
           std::to_string(opt_.max_length) + ": skipped");
      e.ids.clear();
      e.labels.clear();
      return e;
    }
    // An image's tokens must stay whole: the model scatters exactly tokens_per_image features.
    const bool cuts_image =
        chat_.image_token_id >= 0 &&
        std::find(e.ids.begin() + opt_.max_length, e.ids.end(), chat_.image_token_id) != e.ids.end();
    e.ids.resize(opt_.max_length);
    e.labels.resize(opt_.max_length);
    e.truncated = true;
    if (cuts_image) {
      warn("sample " + s.source + ": max_length " + std::to_string(opt_.max_length) +
           " cuts through its image tokens: skipped");
      e.ids.clear();
      e.labels.clear();
      return e;
    }
    warn("sample " + s.source + " has " + std::to_string(n) + " tokens: truncated to max_length " +
         std::to_string(opt_.max_length));
  }
  if (std::all_of(e.labels.begin(), e.labels.end(), [](int32_t l) { return l == chat::kIgnoreIndex; })) {
    if (!e.truncated) throw Error("no assistant answer to learn from", "sample " + s.source);
    warn("sample " + s.source + ": nothing supervised left after truncation: skipped");
    e.ids.clear();
    e.labels.clear();
  }
  return e;
}

TrainBatch Collator::operator()(std::vector<Sample> samples) const {
  std::vector<EncodedSample> kept;
  std::vector<torch::Tensor> pixels;
  int64_t truncated = 0, skipped = 0;
  for (const Sample& s : samples) {
    EncodedSample e = encode(s);
    if (e.ids.empty()) {
      ++skipped;
      continue;
    }
    truncated += e.truncated;
    if (s.has_image()) pixels.push_back(image_(s.load_image()));  // [3, H, W]
    kept.push_back(std::move(e));
  }
  TrainBatch b = assemble_batch(kept, pad_id_, opt_.pad_to_multiple_of, opt_.packing, opt_.max_length,
                                chat_.image_token_id, chat_.image_tokens_per_image);
  const auto& ic = image_.config();
  b.pixel_values = pixels.empty() ? torch::empty({0, 3, ic.height, ic.width}, torch::kFloat32)
                                  : torch::stack(pixels);  // [N_img, 3, H, W]
  if (b.pixel_values.size(0) != b.image_spans.size(0))
    throw Error("batch has " + std::to_string(b.pixel_values.size(0)) + " images but " +
                std::to_string(b.image_spans.size(0)) + " image token runs", "collate",
                "the tokenizer must not produce the image token id from text");
  b.num_truncated = truncated;
  b.num_skipped = skipped;
  samples_ += b.num_samples;
  truncated_ += truncated;
  skipped_ += skipped;
  return b;
}

}  // namespace vlmforge::data
