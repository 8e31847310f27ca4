// Test helper driven by tests/reference/io_safetensors_interop.py:
//   safetensors_tool copy IN OUT   read IN (file, folder or index) with our reader, write OUT
//                                  with our writer (one file).
//   safetensors_tool shard IN DIR BYTES   ... written sharded by our writer.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "models/core/error.h"
#include "models/io/safetensors.h"

int main(int argc, char** argv) {
  try {
    if (argc < 4) {
      std::fprintf(stderr, "usage: safetensors_tool copy IN OUT | shard IN DIR BYTES\n");
      return 2;
    }
    std::string mode = argv[1];
    auto r = vlmforge::SafetensorsReader::open(argv[2]);
    vlmforge::NamedTensors ts;
    for (const auto& n : r.names()) ts.emplace_back(n, r.get(n));
    if (mode == "copy") {
      vlmforge::save_safetensors(argv[3], ts, r.metadata());
    } else if (mode == "shard" && argc >= 5) {
      vlmforge::save_safetensors_sharded(argv[3], ts, std::strtoull(argv[4], nullptr, 10));
    } else {
      return 2;
    }
    return 0;
  } catch (const vlmforge::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
