// Which samples go into which batch on which rank, as a pure function of
// (dataset size, seed, epoch, rank, world size, batch size): the loader's threads only execute
// this plan, so the batch sequence never depends on thread timing or worker count, and a saved
// position (epoch, batch) is enough to resume exactly.
//
// Layout (as torch's DistributedSampler + a batching sampler): the epoch's order is a
// permutation of [0, N) (or the identity without shuffle), the same on every rank. With
// drop_last it is cut to a multiple of world_size, otherwise padded to one by wrapping around to
// its start; rank r takes order[r], order[r + W], order[r + 2W], ... and cuts that into batches
// (drop_last also drops a last partial batch). Every rank therefore has the same number of
// batches per epoch, and with drop_last the ranks' samples are disjoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vlmforge::data {

struct ShardPlan {
  size_t dataset_size = 0;
  int64_t batch_size = 1;     // per rank
  uint64_t seed = 0;
  bool shuffle = true;
  bool drop_last = true;
  int rank = 0;
  int world_size = 1;

  // Throws vlmforge::Error on inconsistent settings (rank >= world_size, batch_size < 1, ...).
  void validate() const;
  // Samples this rank sees per epoch, and its number of batches (the same on every rank).
  size_t samples_per_rank() const;
  size_t batches_per_epoch() const;
  // The epoch's global order (identical on all ranks): a permutation of [0, dataset_size).
  std::vector<size_t> epoch_order(int64_t epoch) const;
  // Dataset indices of this rank's batch `batch` of `epoch`, given that epoch's order.
  std::vector<size_t> batch_indices(const std::vector<size_t>& order, size_t batch) const;
};

// Portable, platform-independent shuffle (std::shuffle's result is implementation-defined):
// Fisher-Yates driven by splitmix64 seeded from (seed, epoch), unbiased by rejection.
std::vector<size_t> shuffled_range(size_t n, uint64_t seed, int64_t epoch);

// Where the loader is: the next batch it will return is batch `batch` of epoch `epoch`.
// The fingerprint fields make a resume with another dataset, batch size or world size an error
// instead of silently different batches.
struct LoaderPosition {
  int64_t epoch = 0;
  int64_t batch = 0;
  uint64_t seed = 0;
  int64_t dataset_size = 0;
  int64_t batch_size = 0;
  int world_size = 1;

  std::string to_json() const;  // one JSON object, stored in trainer_state.json
  static LoaderPosition from_json(const std::string& text, const std::string& where);
};

}  // namespace vlmforge::data
