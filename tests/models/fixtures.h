// Helpers for tests that read the transformers fixtures written by
// tests/reference/models_make_fixtures.py into $VLMFORGE_FIXTURES/models.
#pragma once

#include "models/io/safetensors.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace vlmforge::test {

inline std::string fixture_dir(const std::string& name) {
  const char* root = std::getenv("VLMFORGE_FIXTURES");
  return std::string(root ? root : "fixtures") + "/models/" + name;
}

struct FixtureIo {
  std::shared_ptr<SafetensorsReader> reader;
  explicit FixtureIo(const std::string& name)
      : reader(std::make_shared<SafetensorsReader>(
            SafetensorsReader::open(fixture_dir(name) + "/io.safetensors"))) {}
  torch::Tensor operator[](const std::string& key) const { return reader->get(key).clone(); }
};

inline nlohmann::json fixture_meta(const std::string& name) {
  std::ifstream f(fixture_dir(name) + "/meta.json");
  return nlohmann::json::parse(f);
}

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// Printed so the per-architecture figure shows up in the ctest log.
inline void report(const std::string& what, double diff) {
  std::printf("PARITY %-40s max_abs_diff = %.3e\n", what.c_str(), diff);
  std::fflush(stdout);
}

constexpr double kLogitTol = 1e-4;

}  // namespace vlmforge::test
