// Which samples go into which batch on which rank, as a pure function of
// (dataset size, seed, epoch, rank, world size, batch size, grad_accum): the loader's threads only
// execute this plan, so the batch sequence never depends on thread timing or worker count, and a
// saved position (epoch, samples consumed) is enough to resume exactly.
//
// Layout. The epoch's order is a permutation of [0, N) from (seed, epoch) (or the identity
// without shuffle), the same on every rank and for every world size. The ranks walk it together:
// loader batch j of every rank comes from the chunk order[j·B·W, (j+1)·B·W) (B = per-rank batch,
// W = world size), cut into W consecutive slices, rank r taking slice r. An optimizer step takes
// grad_accum = A consecutive loader batches, so step s consumes the G = B·A·W consecutive samples
// order[s·G, (s+1)·G) (the global batch), and micro-batch k of rank r is the (k·W + r)-th block of
// B samples of it. The data stream is therefore a function of (seed, N, G) only: any split of the
// same global batch (2 ranks × accumulation 1, 1 rank × accumulation 2, ...) sees the same
// samples in each step, and with the same B even the same micro-batches.
//
// With drop_last (training) an epoch is floor(N / G) whole global batches; the rest of the order
// is skipped. Without drop_last (validation, A must be 1) the order is padded to a multiple of W
// by wrapping around to its start, and the last chunk is shared equally (fewer than B per rank).
// Either way every rank has the same number of batches per epoch; with drop_last the ranks'
// samples are disjoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vlmforge::data {

struct ShardPlan {
  size_t dataset_size = 0;
  int64_t batch_size = 1;     // per rank
  int64_t grad_accum = 1;     // loader batches per optimizer step (drop_last only)
  uint64_t seed = 0;
  bool shuffle = true;
  bool drop_last = true;
  int rank = 0;
  int world_size = 1;

  // Throws vlmforge::Error on inconsistent settings (rank >= world_size, batch_size < 1, ...).
  void validate() const;
  // Samples per optimizer step over all ranks: batch_size × grad_accum × world_size.
  int64_t global_batch() const;
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

// Where the loader is, in global terms: the next batch starts at position `samples` of epoch
// `epoch`'s order (samples consumed by all ranks together in this epoch). A position restores
// into any split of the same global batch (another world size with batch_size or grad_accum
// changed to match); another dataset, seed or global batch is an error, not different batches.
struct LoaderPosition {
  int64_t epoch = 0;
  int64_t samples = 0;
  uint64_t seed = 0;
  int64_t dataset_size = 0;
  int64_t global_batch = 0;  // batch_size × grad_accum × world_size of the saving run
  // The saving run's split of the global batch (for messages; not required to match).
  int64_t batch_size = 0;
  int64_t grad_accum = 1;
  int world_size = 1;

  std::string to_json() const;  // one JSON object, stored in trainer_state.json
  static LoaderPosition from_json(const std::string& text, const std::string& where);
};

// Throws vlmforge::Error (naming train.batch_size / train.grad_accum) unless `pos` can continue
// exactly under `plan`: same dataset size and seed, same global batch, position inside the epoch
// on a boundary of the plan's loader batches.
void check_resumable(const LoaderPosition& pos, const ShardPlan& plan);

}  // namespace vlmforge::data
