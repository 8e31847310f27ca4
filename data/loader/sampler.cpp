#include "data/loader/sampler.h"

#include <algorithm>
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
  if (grad_accum < 1) throw Error("grad_accum must be >= 1", "loader");
  if (grad_accum > 1 && !drop_last) throw Error("grad_accum > 1 needs drop_last", "loader");
  if (dataset_size == 0) throw Error("the dataset is empty", "loader");
  if (batches_per_epoch() == 0)
    throw Error("dataset of " + std::to_string(dataset_size) + " samples gives no full global batch of " +
                    std::to_string(global_batch()) + " (batch_size " + std::to_string(batch_size) +
                    " x grad_accum " + std::to_string(grad_accum) + " x " + std::to_string(world_size) +
                    " ranks)",
                "loader", "lower the batch size or set drop_last false");
}

int64_t ShardPlan::global_batch() const { return batch_size * grad_accum * world_size; }

size_t ShardPlan::samples_per_rank() const {
  const size_t w = static_cast<size_t>(world_size);
  if (!drop_last) return (dataset_size + w - 1) / w;
  const size_t g = static_cast<size_t>(global_batch());
  return dataset_size / g * g / w;
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
  const size_t w = static_cast<size_t>(world_size), r = static_cast<size_t>(rank);
  const size_t chunk = static_cast<size_t>(batch_size) * w;
  const size_t padded = samples_per_rank() * w;  // a multiple of w, so every chunk splits evenly
  const size_t begin = std::min(padded, batch * chunk), end = std::min(padded, begin + chunk);
  const size_t per = (end - begin) / w;  // batch_size except in a last, partial chunk
  std::vector<size_t> out;
  out.reserve(per);
  for (size_t k = begin + r * per; k < begin + (r + 1) * per; ++k)
    out.push_back(order[k % order.size()]);  // wrap = pad
  return out;
}

std::string LoaderPosition::to_json() const {
  nlohmann::ordered_json j{{"epoch", epoch},           {"samples", samples},
                           {"seed", seed},             {"dataset_size", dataset_size},
                           {"global_batch", global_batch}, {"batch_size", batch_size},
                           {"grad_accum", grad_accum}, {"world_size", world_size}};
  return j.dump();
}

LoaderPosition LoaderPosition::from_json(const std::string& text, const std::string& where) {
  LoaderPosition p;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid loader position: ") + e.what(), where);
  }
  if (j.is_object() && j.contains("batch") && !j.contains("samples"))
    throw Error("the loader position was written by an older vlmforge whose sample order differs", where,
                "start a new run from these weights (model.checkpoint=...) instead of --resume");
  try {
    p.epoch = j.at("epoch").get<int64_t>();
    p.samples = j.at("samples").get<int64_t>();
    p.seed = j.at("seed").get<uint64_t>();
    p.dataset_size = j.at("dataset_size").get<int64_t>();
    p.global_batch = j.at("global_batch").get<int64_t>();
    p.batch_size = j.at("batch_size").get<int64_t>();
    p.grad_accum = j.at("grad_accum").get<int64_t>();
    p.world_size = j.at("world_size").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid loader position: ") + e.what(), where);
  }
  return p;
}

namespace {

std::string split_text(int64_t batch, int64_t accum, int64_t world) {
  return "batch_size " + std::to_string(batch) + " x grad_accum " + std::to_string(accum) + " x " +
         std::to_string(world) + (world == 1 ? " rank" : " ranks");
}

// The settings that give global batch `g` on `world` ranks, starting from the current ones.
std::string global_batch_hint(int64_t g, int64_t batch, int64_t accum, int64_t world) {
  std::string keep = "keep the global batch of " + std::to_string(g) + ": ";
  if (g % world != 0)
    return keep + "it cannot be split over " + std::to_string(world) + " ranks; use a world size that divides it";
  std::vector<std::string> ways;
  if (g % (batch * world) == 0) ways.push_back("train.grad_accum=" + std::to_string(g / (batch * world)));
  if (g % (accum * world) == 0) ways.push_back("train.batch_size=" + std::to_string(g / (accum * world)));
  if (ways.empty()) ways.push_back("train.batch_size=" + std::to_string(g / world) + " train.grad_accum=1");
  std::string out = keep + "set " + ways[0];
  if (ways.size() > 1) out += " (or " + ways[1] + ")";
  return out + " so that batch_size x grad_accum x ranks = " + std::to_string(g);
}

}  // namespace

void check_resumable(const LoaderPosition& pos, const ShardPlan& plan) {
  const std::string where = "trainer_state.json loader";
  auto mismatch = [&](const char* what, const std::string& saved, const std::string& now) {
    throw Error(std::string("cannot resume the data loader: ") + what + " was " + saved + ", now " + now, where,
                "resume with the same data and seed");
  };
  if (pos.dataset_size != static_cast<int64_t>(plan.dataset_size))
    mismatch("dataset size", std::to_string(pos.dataset_size), std::to_string(plan.dataset_size));
  if (pos.seed != plan.seed) mismatch("seed", std::to_string(pos.seed), std::to_string(plan.seed));
  const int64_t g = plan.global_batch();
  if (pos.global_batch != g)
    throw Error("cannot resume the data loader: the checkpoint's global batch is " +
                    std::to_string(pos.global_batch) + " samples per step (" +
                    split_text(pos.batch_size, pos.grad_accum, pos.world_size) + "), this run's is " +
                    std::to_string(g) + " (" + split_text(plan.batch_size, plan.grad_accum, plan.world_size) + ")",
                where, global_batch_hint(pos.global_batch, plan.batch_size, plan.grad_accum, plan.world_size));
  const int64_t chunk = plan.batch_size * plan.world_size;
  const int64_t padded = static_cast<int64_t>(plan.samples_per_rank()) * plan.world_size;
  if (pos.epoch < 0 || pos.samples < 0 || pos.samples >= padded)
    throw Error("loader position out of range (epoch " + std::to_string(pos.epoch) + ", sample " +
                    std::to_string(pos.samples) + " of " + std::to_string(padded) + ")",
                where);
  if (pos.samples % chunk != 0)
    throw Error("loader position " + std::to_string(pos.samples) + " of epoch " + std::to_string(pos.epoch) +
                    " falls inside one of this run's loader batches of " + std::to_string(chunk) +
                    " samples (batch_size x ranks)",
                where, "resume from a checkpoint written at an optimizer step, or keep batch_size x ranks");
}

}  // namespace vlmforge::data
