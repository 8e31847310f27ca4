// Options every config-driven subcommand shares: `--config FILE`, `--print-config` and
// `key.path=value` overrides, resolved into one RootConfig.
#pragma once

#include <string>

#include "train/cli/args.h"
#include "train/config/config.h"

namespace vlmforge::cli {

// Adds --config (with an optional default file) and --print-config, and accepts overrides.
void add_config_options(ArgParser& p, const std::string& default_config = "");

// Defaults <- --config file <- overrides. Throws vlmforge::Error naming file:line key.path.
RootConfig load_config(const ArgParser& p);

// If --print-config was given: prints the resolved config as YAML and returns true.
bool print_config_if_asked(const ArgParser& p, const RootConfig& cfg);

}  // namespace vlmforge::cli
