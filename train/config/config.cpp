#include "train/config/config.h"

namespace vlmforge::config {

RootConfig load_root(const std::string& yaml_path, const std::vector<std::string>& overrides) {
  RootConfig cfg;
  load(cfg, yaml_path, overrides);
  return cfg;
}

std::string dump_root(const RootConfig& cfg) { return dump(cfg); }

}  // namespace vlmforge::config
