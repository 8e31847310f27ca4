// Chat templates as code, selected by name (config key chat.template):
//   chatml   Qwen2/2.5 ChatML: <|im_start|>role\n...<|im_end|>\n
//   qwen3    ChatML as Qwen3's template renders it: the final assistant turn after the last user
//            message starts with an empty "<think>\n\n</think>\n\n" block (non-thinking mode)
//   phi      Phi / moondream: "Question: ...\n\nAnswer: ...<eos>" (alias: moondream)
//   llama3   Llama-3: <|begin_of_text|><|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>
//   plain    contents concatenated, assistant answers followed by EOS (captioning/pretraining)
//
// render_chat() turns a conversation into ids and labels for training: labels are -100 except
// on assistant answers and the end token that closes them. Each image placeholder in a message
// ("<image>") becomes `image_tokens_per_image` copies of `image_token_id` (label -100), so the
// projector's outputs can be scattered into exactly those positions.
//
// The template's pieces are tokenized one by one (prompt text, answer text, special tokens), as
// LLaVA-style trainers do; this equals tokenizing the whole rendered string except where a
// piece boundary falls inside what would be a single pre-token (e.g. an answer that starts with
// a newline right after "assistant\n").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/tokenizer/tokenizer.h"

namespace vlmforge::chat {

constexpr int32_t kIgnoreIndex = -100;  // label value the loss skips (PyTorch's default)

struct Message {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// Config section `chat`.
struct ChatConfig {
  std::string template_name = "chatml";
  std::string system_prompt;             // used when the conversation has no system message
  std::string image_placeholder = "<image>";
  int image_token_id = -1;               // id the placeholder expands to (-1: images not allowed)
  int image_tokens_per_image = 0;        // the vision encoder's output token count

  template <class V>
  void visit(V& v) {
    v("template", template_name, "chat template: chatml, qwen3, phi, moondream, llama3, plain");
    v("system_prompt", system_prompt, "system message added when a conversation has none");
    v("image_placeholder", image_placeholder, "text marking where an image goes in a message");
    v("image_token_id", image_token_id, "token id an image placeholder expands to");
    v("image_tokens_per_image", image_tokens_per_image,
      "tokens per image (the vision encoder + projector output length)");
  }
};

// A stretch of rendered text and whether its tokens are trained on.
struct ChatPart {
  std::string text;
  bool supervised = false;
};

class ChatTemplate {
 public:
  virtual ~ChatTemplate() = default;
  virtual std::string name() const = 0;
  // The conversation as ordered parts; `add_generation_prompt` appends the assistant header.
  // Throws vlmforge::Error on unknown roles or a token the tokenizer lacks.
  virtual std::vector<ChatPart> parts(const std::vector<Message>& messages,
                                      bool add_generation_prompt,
                                      const tokenizer::Tokenizer& tok) const = 0;
};

// Throws vlmforge::Error listing the known names.
std::unique_ptr<ChatTemplate> make_chat_template(const std::string& name);

struct RenderedChat {
  std::string text;             // the rendered prompt, placeholders not expanded
  std::vector<int32_t> ids;     // placeholders expanded
  std::vector<int32_t> labels;  // same length as ids; kIgnoreIndex where not supervised
  int num_images = 0;
};

RenderedChat render_chat(const ChatTemplate& tmpl, const tokenizer::Tokenizer& tok,
                         std::vector<Message> messages, const ChatConfig& cfg,
                         bool add_generation_prompt = false);

// Convenience: template from cfg.template_name.
RenderedChat render_chat(const tokenizer::Tokenizer& tok, const std::vector<Message>& messages,
                         const ChatConfig& cfg, bool add_generation_prompt = false);

}  // namespace vlmforge::chat
