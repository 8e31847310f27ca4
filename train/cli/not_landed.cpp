#include <cstdio>

#include "train/cli/commands.h"

namespace vlmforge::cli {

int not_landed(const std::string& command, const std::string& capability) {
  std::fprintf(stderr,
               "vlmforge %s: %s has not landed in this build yet; nothing was done.\n",
               command.c_str(), capability.c_str());
  return 2;
}

}  // namespace vlmforge::cli
