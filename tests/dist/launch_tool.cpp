// `vlmforge launch` without the rest of the CLI: the same cmd_launch() behind a main(), so the
// launcher tests do not depend on every library of the project building.
#include <cstdio>

#include "models/core/error.h"
#include "train/cli/commands.h"

int main(int argc, char** argv) {
  try {
    return vlmforge::cli::cmd_launch(vlmforge::cli::Args(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
