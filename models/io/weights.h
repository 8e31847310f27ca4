// Filling a model's ParamSlots from checkpoint tensors: name mapping (prefix rules per layout),
// shape validation that names the tensor, dtype conversion, and AWQ GEMM dequantisation when a
// checkpoint stores `<name>.qweight/.qzeros/.scales` instead of `<name>.weight`.
#pragma once

#include "models/layers/params.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vlmforge {

class SafetensorsReader;

// Where tensors come from: a safetensors file/folder or an in-memory map (tests, conversions).
struct TensorSource {
  std::string origin;  // file or folder, for messages
  std::function<bool(const std::string&)> contains;
  std::function<torch::Tensor(const std::string&)> get;
  std::function<std::vector<std::string>()> names;

  static TensorSource from_reader(std::shared_ptr<SafetensorsReader> reader);
  static TensorSource from_map(std::map<std::string, torch::Tensor> tensors,
                               const std::string& origin);
};

struct LoadOptions {
  // Our name prefix -> checkpoint name prefix, first match wins; unmatched names pass unchanged.
  std::vector<std::pair<std::string, std::string>> rename;
  int64_t awq_group_size = 0;  // > 0: accept AutoAWQ GEMM triples for missing ".weight"s
  bool allow_missing = false;  // skip slots the checkpoint lacks (overlaying trained weights)
};

std::string map_name(const std::string& name, const LoadOptions& opts);

// Copies every slot's tensor from `src`; throws vlmforge::Error naming the checkpoint tensor when
// one is missing or mis-shaped. Returns how many slots were filled.
size_t load_params(const ParamList& slots, const TensorSource& src, const LoadOptions& opts = {});

}  // namespace vlmforge
