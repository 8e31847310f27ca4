#include "train/cli/common.h"

#include <cstdio>

namespace vlmforge::cli {

void add_config_options(ArgParser& p, const std::string& default_config) {
  p.option("--config", "FILE", "YAML config (sections model, data, train, synth, eval, export)",
           default_config)
      .flag("--print-config", "print the resolved config (defaults + file + overrides) and exit")
      .allow_overrides();
}

RootConfig load_config(const ArgParser& p) {
  return config::load_root(p.get("--config"), p.overrides());
}

bool print_config_if_asked(const ArgParser& p, const RootConfig& cfg) {
  if (!p.get_flag("--print-config")) return false;
  std::fputs(config::dump_root(cfg).c_str(), stdout);
  return true;
}

}  // namespace vlmforge::cli
