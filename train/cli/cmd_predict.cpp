// `vlmforge predict --checkpoint DIR --image FILE --question TEXT`
#include <cstdio>

#include "train/answerer.h"
#include "train/cli/args.h"
#include "train/cli/commands.h"
#include "train/model_setup.h"

namespace vlmforge::cli {

int cmd_predict(const Args& args) {
  ArgParser p("vlmforge predict", "Answer one question about one image with a trained checkpoint.");
  p.option("--checkpoint", "DIR", "checkpoint folder (e.g. checkpoints/run/final)")
      .option("--image", "FILE", "image file (JPEG/PNG/WebP)")
      .option("--question", "TEXT", "the question")
      .option("--max-new-tokens", "N", "answer length limit", "64");
  if (!p.parse(args)) return 0;
  for (const char* k : {"--checkpoint", "--image", "--question"})
    if (!p.has(k)) throw Error(std::string("missing ") + k, "vlmforge predict", "see --help");
  RootConfig cfg;
  ModelBundle b = load_checkpoint_bundle(p.get("--checkpoint"), &cfg);
  VlmAnswerer answerer(b, cfg.data.chat, p.get_int("--max-new-tokens"));
  auto out = answerer.answer({{p.get("--image"), p.get("--question")}});
  std::printf("%s\n", out.front().c_str());
  return 0;
}

}  // namespace vlmforge::cli
