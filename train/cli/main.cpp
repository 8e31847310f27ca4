// `vlmforge` entry point: dispatches to a subcommand and turns errors into one line + exit 1.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "models/core/error.h"
#include "train/cli/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(const vlmforge::cli::Args&);
  const char* summary;
};

const Command kCommands[] = {
    {"synth", vlmforge::cli::cmd_synth, "render synthetic Russian documents with grounded QA"},
    {"train", vlmforge::cli::cmd_train, "train a VLM from a YAML recipe (LoRA, staged freezing)"},
    {"eval", vlmforge::cli::cmd_eval, "evaluate a checkpoint on document QA (ANLS, EM, CER)"},
    {"export", vlmforge::cli::cmd_export, "export to Hugging Face LLaVA or a PEFT LoRA adapter"},
    {"predict", vlmforge::cli::cmd_predict, "answer one question about one image"},
    {"tokenize", vlmforge::cli::cmd_tokenize, "tokenize stdin lines with a tokenizer file"},
    {"inspect", vlmforge::cli::cmd_inspect, "list tensors and config of a checkpoint/safetensors"},
    {"launch", vlmforge::cli::cmd_launch, "start data-parallel workers (local or multi-node)"},
};

void print_usage(FILE* out) {
  std::fprintf(out,
               "usage: vlmforge <command> [options]\n\n"
               "vlmforge builds, trains, evaluates and exports small vision-language models for\n"
               "document QA (Russian documents first).\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun `vlmforge <command> --help` for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  // A write to a socket whose peer died (a data-parallel rank, the rendezvous store) must fail
  // with EPIPE and a message naming the collective, not kill this process silently.
  std::signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  vlmforge::cli::Args args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    try {
      return c.run(args);
    } catch (const vlmforge::Error& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 1;
    } catch (const std::exception& e) {
      // Anything that is not a vlmforge::Error is a bug or an unexpected library failure; still
      // one line, never a crash. c10::Error messages carry a backtrace after the first line.
      std::string msg = e.what();
      if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
      std::fprintf(stderr, "error: vlmforge %s: %s\n", name.c_str(), msg.c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "error: unknown command '%s' (run `vlmforge --help`)\n", name.c_str());
  return 2;
}
