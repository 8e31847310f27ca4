// `vlmforge tokenize` — placeholder until its capability lands: --help documents the interface,
// running it says it is not available and exits 2.
#include "train/cli/args.h"
#include "train/cli/commands.h"

namespace vlmforge::cli {

int cmd_tokenize(const Args& args) {
  ArgParser p("vlmforge tokenize", "Tokenize stdin lines; prints one JSON array of ids per line.");
  p.option("--tokenizer", "FILE", "tokenizer.json or SentencePiece .model")
      .flag("--chat", "wrap each line as a user turn with the chat template")
      .flag("--add-special", "add the tokenizer's special tokens (BOS/EOS)")
      .flag("--decode", "read JSON id arrays and print text");
  if (!p.parse(args)) return 0;
  return not_landed("tokenize", "the tokenizer");
}

}  // namespace vlmforge::cli
