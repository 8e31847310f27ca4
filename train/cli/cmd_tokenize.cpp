// `vlmforge tokenize`: stdin lines -> one JSON array of ids per line (no special tokens added
// unless --add-special, like add_special_tokens=False); --decode reads JSON id arrays and prints
// the text; --chat wraps each line as a user turn of a chat template with the generation prompt.
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

#include "data/chat/chat_template.h"
#include "data/tokenizer/tokenizer.h"
#include "models/core/error.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_tokenize(const Args& args) {
  ArgParser p("vlmforge tokenize", "Tokenize stdin lines; prints one JSON array of ids per line.");
  p.option("--tokenizer", "FILE", "tokenizer.json or SentencePiece .model (or their folder)")
      .flag("--chat", "wrap each line as a user turn with the chat template")
      .option("--template", "NAME", "chat template for --chat: chatml, qwen3, phi, llama3, plain",
              "chatml")
      .flag("--add-special", "add the tokenizer's special tokens (BOS/EOS)")
      .flag("--decode", "read JSON id arrays and print text")
      .flag("--skip-special", "with --decode: drop special tokens")
      .epilog("Each input line is one text (its trailing newline is not part of it). With\n"
              "--decode, decoded text is printed as is, one input line per output line.");
  if (!p.parse(args)) return 0;
  if (!p.has("--tokenizer"))
    throw Error("missing --tokenizer FILE", "vlmforge tokenize", "see vlmforge tokenize --help");
  auto tok = tokenizer::load_tokenizer(p.get("--tokenizer"));
  const bool decode = p.get_flag("--decode"), chat = p.get_flag("--chat");
  const bool add_special = p.get_flag("--add-special"), skip = p.get_flag("--skip-special");
  chat::ChatConfig chat_cfg;
  chat_cfg.template_name = p.get("--template");
  std::unique_ptr<chat::ChatTemplate> tmpl;
  if (chat) tmpl = chat::make_chat_template(chat_cfg.template_name);
  // Placeholders stay text when no vision encoder is configured.
  chat_cfg.image_placeholder.clear();

  std::ios::sync_with_stdio(false);
  std::string line;
  size_t line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    const std::string where = "stdin:" + std::to_string(line_no);
    if (decode) {
      std::vector<int32_t> ids;
      try {
        ids = nlohmann::json::parse(line).get<std::vector<int32_t>>();
      } catch (const nlohmann::json::exception&) {
        throw Error("expected a JSON array of integer ids", where);
      }
      try {
        std::cout << tok->decode(ids, skip) << '\n';
      } catch (const Error& e) {
        throw e.with_context(where);
      }
      continue;
    }
    std::vector<int32_t> ids;
    try {
      if (chat)
        ids = chat::render_chat(*tmpl, *tok, {{"user", line}}, chat_cfg, true).ids;
      else
        ids = tok->encode(line, add_special);
    } catch (const Error& e) {
      throw e.with_context(where);
    }
    std::cout << nlohmann::json(ids).dump() << '\n';
  }
  return 0;
}

}  // namespace vlmforge::cli
