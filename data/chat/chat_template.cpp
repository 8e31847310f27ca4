#include "data/chat/chat_template.h"

#include "models/core/error.h"

namespace vlmforge::chat {

namespace {

void check_role(const Message& m, size_t i) {
  if (m.role != "system" && m.role != "user" && m.role != "assistant")
    throw Error("unknown role \"" + m.role + "\"", "messages[" + std::to_string(i) + "].role",
                "roles are system, user and assistant");
}

// Text of a special token the template needs; errors if the tokenizer does not know it.
std::string require_token(const tokenizer::Tokenizer& tok, const std::string& token,
                          const std::string& tmpl) {
  if (tok.token_to_id(token) < 0)
    throw Error("the tokenizer has no token \"" + token + "\"", "chat template " + tmpl,
                "use a tokenizer made for this template, or another template");
  return token;
}

// The EOS token's text, or "" when the tokenizer has none.
std::string eos_text(const tokenizer::Tokenizer& tok) {
  int32_t eos = tok.special_ids().eos;
  return eos < 0 ? std::string() : tok.id_to_token(eos);
}

class ChatMl : public ChatTemplate {
 public:
  explicit ChatMl(bool qwen3_think) : qwen3_think_(qwen3_think) {}
  std::string name() const override { return qwen3_think_ ? "qwen3" : "chatml"; }
  std::vector<ChatPart> parts(const std::vector<Message>& messages, bool add_generation_prompt,
                              const tokenizer::Tokenizer& tok) const override {
    const std::string start = require_token(tok, "<|im_start|>", name());
    const std::string end = require_token(tok, "<|im_end|>", name());
    size_t last_user = messages.size();
    for (size_t i = messages.size(); i-- > 0;)
      if (messages[i].role == "user") {
        last_user = i;
        break;
      }
    std::vector<ChatPart> out;
    for (size_t i = 0; i < messages.size(); ++i) {
      const Message& m = messages[i];
      check_role(m, i);
      if (m.role != "assistant") {
        out.push_back({start + m.role + "\n" + m.content + end + "\n", false});
        continue;
      }
      std::string header = start + "assistant\n";
      // Qwen3 renders an empty reasoning block before the final answer (non-thinking mode); it
      // is prompt, as in generation with enable_thinking=False.
      if (qwen3_think_ && last_user < messages.size() && i > last_user && i + 1 == messages.size())
        header += "<think>\n\n</think>\n\n";
      out.push_back({header, false});
      out.push_back({m.content + end, true});
      out.push_back({"\n", false});
    }
    if (add_generation_prompt) out.push_back({start + "assistant\n", false});
    return out;
  }

 private:
  bool qwen3_think_;
};

// "Question: ...\n\nAnswer: ...<eos>", turns separated by a blank line.
class Phi : public ChatTemplate {
 public:
  std::string name() const override { return "phi"; }
  std::vector<ChatPart> parts(const std::vector<Message>& messages, bool add_generation_prompt,
                              const tokenizer::Tokenizer& tok) const override {
    const std::string eos = eos_text(tok);
    std::vector<ChatPart> out;
    bool open_question = false;
    for (size_t i = 0; i < messages.size(); ++i) {
      const Message& m = messages[i];
      check_role(m, i);
      std::string sep = out.empty() ? "" : "\n\n";
      if (m.role == "system") {
        out.push_back({sep + m.content, false});
      } else if (m.role == "user") {
        out.push_back({sep + "Question: " + m.content + "\n\nAnswer:", false});
        open_question = true;
      } else {
        if (!open_question) out.push_back({sep + "Answer:", false});
        out.push_back({" " + m.content, true});
        if (!eos.empty()) out.push_back({eos, true});
        open_question = false;
      }
    }
    if (add_generation_prompt && !open_question)
      out.push_back({std::string(out.empty() ? "" : "\n\n") + "Answer:", false});
    return out;
  }
};

class Llama3 : public ChatTemplate {
 public:
  std::string name() const override { return "llama3"; }
  std::vector<ChatPart> parts(const std::vector<Message>& messages, bool add_generation_prompt,
                              const tokenizer::Tokenizer& tok) const override {
    const std::string bos = require_token(tok, "<|begin_of_text|>", name());
    const std::string sh = require_token(tok, "<|start_header_id|>", name());
    const std::string eh = require_token(tok, "<|end_header_id|>", name());
    const std::string eot = require_token(tok, "<|eot_id|>", name());
    std::vector<ChatPart> out{{bos, false}};
    for (size_t i = 0; i < messages.size(); ++i) {
      const Message& m = messages[i];
      check_role(m, i);
      // Llama-3's template trims message content.
      std::string content = trim(m.content);
      if (m.role == "assistant") {
        out.push_back({sh + "assistant" + eh + "\n\n", false});
        out.push_back({content + eot, true});
      } else {
        out.push_back({sh + m.role + eh + "\n\n" + content + eot, false});
      }
    }
    if (add_generation_prompt) out.push_back({sh + "assistant" + eh + "\n\n", false});
    return out;
  }

 private:
  static std::string trim(const std::string& s) {
    const char* ws = " \t\n\r\f\v";
    size_t b = s.find_first_not_of(ws);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
  }
};

// No markup: prompts as they are, answers followed by EOS.
class Plain : public ChatTemplate {
 public:
  std::string name() const override { return "plain"; }
  std::vector<ChatPart> parts(const std::vector<Message>& messages, bool,
                              const tokenizer::Tokenizer& tok) const override {
    const std::string eos = eos_text(tok);
    std::vector<ChatPart> out;
    for (size_t i = 0; i < messages.size(); ++i) {
      check_role(messages[i], i);
      if (messages[i].role == "assistant") {
        out.push_back({messages[i].content, true});
        if (!eos.empty()) out.push_back({eos, true});
      } else
        out.push_back({messages[i].content, false});
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<ChatTemplate> make_chat_template(const std::string& name) {
  if (name == "chatml") return std::make_unique<ChatMl>(false);
  if (name == "qwen3") return std::make_unique<ChatMl>(true);
  if (name == "phi" || name == "moondream") return std::make_unique<Phi>();
  if (name == "llama3") return std::make_unique<Llama3>();
  if (name == "plain") return std::make_unique<Plain>();
  throw Error("unknown chat template \"" + name + "\"", "chat.template",
              "known: chatml, qwen3, phi, moondream, llama3, plain");
}

RenderedChat render_chat(const ChatTemplate& tmpl, const tokenizer::Tokenizer& tok,
                         std::vector<Message> messages, const ChatConfig& cfg,
                         bool add_generation_prompt) {
  if (messages.empty() && !add_generation_prompt)
    throw Error("empty conversation", "chat template " + tmpl.name());
  if (!cfg.system_prompt.empty() && (messages.empty() || messages[0].role != "system"))
    messages.insert(messages.begin(), Message{"system", cfg.system_prompt});
  RenderedChat r;
  const std::string& ph = cfg.image_placeholder;
  for (const ChatPart& part : tmpl.parts(messages, add_generation_prompt, tok)) {
    r.text += part.text;
    // A part that is exactly a special token (EOS after an answer) is that token's id, whether or
    // not the tokenizer would match its text (SentencePiece leaves "</s>" in text as characters).
    const int32_t special = tok.token_to_id(part.text);
    if (special >= 0 && tok.is_special(special)) {
      r.ids.push_back(special);
      r.labels.push_back(part.supervised ? special : kIgnoreIndex);
      continue;
    }
    size_t pos = 0;
    while (pos <= part.text.size()) {
      size_t hit = ph.empty() ? std::string::npos : part.text.find(ph, pos);
      size_t end = hit == std::string::npos ? part.text.size() : hit;
      if (end > pos) {
        std::vector<int32_t> ids = tok.encode(std::string_view(part.text).substr(pos, end - pos));
        r.ids.insert(r.ids.end(), ids.begin(), ids.end());
        if (part.supervised)
          r.labels.insert(r.labels.end(), ids.begin(), ids.end());
        else
          r.labels.resize(r.ids.size(), kIgnoreIndex);
      }
      if (hit == std::string::npos) break;
      if (cfg.image_token_id < 0 || cfg.image_tokens_per_image <= 0)
        throw Error("conversation contains an image placeholder \"" + ph +
                        "\" but no image token is configured",
                    "chat.image_token_id / chat.image_tokens_per_image");
      r.ids.insert(r.ids.end(), cfg.image_tokens_per_image, cfg.image_token_id);
      r.labels.insert(r.labels.end(), cfg.image_tokens_per_image, kIgnoreIndex);
      ++r.num_images;
      pos = hit + ph.size();
    }
  }
  return r;
}

RenderedChat render_chat(const tokenizer::Tokenizer& tok, const std::vector<Message>& messages,
                         const ChatConfig& cfg, bool add_generation_prompt) {
  return render_chat(*make_chat_template(cfg.template_name), tok, messages, cfg,
                     add_generation_prompt);
}

}  // namespace vlmforge::chat
