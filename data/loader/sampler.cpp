#include "data/loader/sampler.h"

#include <numeric>

#include <nlohmann/json.hpp>

#include "models/core/error.h"

namespace vlmforge::data {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Uniform in [0, bound] without modulo bias.
uint64_t uniform_upto(uint64_t& state, uint64_t bound) {
  const uint64_t range = bound + 1;
  if (range == 0) return splitmix64(state);
  const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  uint64_t x;
  do x = splitmix64(state);
  while (x >= limit);
  return x % range;
}

}  // namespace

std::vector<size_t> shuffled_range(size_t n, uint64_t seed, int64_t epoch) {
  std::vector<size_t> v(n);
  std::iota(v.begin(), v.end(), size_t{0});
  uint64_t mix = seed;
  uint64_t state = splitmix64(mix) ^ (static_cast<uint64_t>(epoch) * 0xD1B54A32D192ED03ull);
  for (size_t i = n; i > 1; --i) std::swap(v[i - 1], v[uniform_upto(state, i - 1)]);
  return v;
}

void ShardPlan::validate() const {
  if (world_size < 1) throw Error("world_size must be >= 1, got " + std::to_string(world_size), "loader");
  if (rank < 0 || rank >= world_size)
    throw Error("rank " + std::to_string(rank) + " outside world of " + std::to_string(world_size), "loader");
  if (batch_size < 1) throw Error("batch_size must be >= 1", "loader");
  if (dataset_size == 0) throw Error("the dataset is empty", "loader");
  if (batches_per_epoch() == 0)
    throw Error("dataset of " + std::to_string(dataset_size) + " samples gives no full batch of " +
                    std::to_string(batch_size) + " on each of " + std::to_string(world_size) + " ranks",
                "loader", "lower the batch size or set drop_last false");
}

size_t ShardPlan::samples_per_rank() const {
  const size_t w = static_cast<size_t>(world_size);
  return drop_last ? dataset_size / w : (dataset_size + w - 1) / w;
}

size_t ShardPlan::batches_per_epoch() const {
  const size_t m = samples_per_rank(), b = static_cast<size_t>(batch_size);
  return drop_last ? m / b : (m + b - 1) / b;
}

std::vector<size_t> ShardPlan::epoch_order(int64_t epoch) const {
  if (shuffle) return shuffled_range(dataset_size, seed, epoch);
  std::vector<size_t> v(dataset_size);
  std::iota(v.begin(), v.end(), size_t{0});
  return v;
}

std::vector<size_t> ShardPlan::batch_indices(const std::vector<size_t>& order, size_t batch) const {
  const size_t m = samples_per_rank(), b = static_cast<size_t>(batch_size);
  const size_t w = static_cast<size_t>(world_size), r = static_cast<size_t>(rank);
  const size_t begin = batch * b, end = std::min(m, begin + b);
  std::vector<size_t> out;
  out.reserve(end > begin ? end - begin : 0);
  for (size_t k = begin; k < end; ++k) out.push_back(order[(r + k * w) % order.size()]);  // wrap = pad
  return out;
}

std::string LoaderPosition::to_json() const {
  nlohmann::ordered_json j{{"epoch", epoch}, {"batch", batch}, {"seed", seed},
                           {"dataset_size", dataset_size}, {"batch_size", batch_size},
                           {"world_size", world_size}};
  return j.dump();
}

LoaderPosition LoaderPosition::from_json(const std::string& text, const std::string& where) {
  LoaderPosition p;
  try {
    const auto j = nlohmann::json::parse(text);
    p.epoch = j.at("epoch").get<int64_t>();
    p.batch = j.at("batch").get<int64_t>();
    p.seed = j.at("seed").get<uint64_t>();
    p.dataset_size = j.at("dataset_size").get<int64_t>();
    p.batch_size = j.at("batch_size").get<int64_t>();
    p.world_size = j.at("world_size").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid loader position: ") + e.what(), where);
  }
  return p;
}

}  // namespace vlmforge::data
