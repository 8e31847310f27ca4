// The loader's batch sequence is a function of (seed, epoch, rank, world size, batch size, accum)
// only: same with 0, 1 or 4 workers and random collate delays; ranks are disjoint and cover
// the data; a saved position resumes with exactly the batches an uninterrupted run gets.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>
#include <thread>

#include "data/loader/loader.h"
#include "models/core/error.h"

namespace vlmforge::data {
namespace {

using Batch = std::vector<size_t>;

InMemoryDataset numbered(size_t n) {
  std::vector<Sample> v(n);
  for (size_t i = 0; i < n; ++i) {
    v[i].id = std::to_string(i);
    v[i].source = "test:" + std::to_string(i);
  }
  return InMemoryDataset(std::move(v), "numbered");
}

// Collate = the sample indices, after a pseudo-random delay so workers finish out of order.
Batch collate_slowly(std::vector<Sample> samples) {
  Batch b;
  for (const auto& s : samples) b.push_back(std::stoul(s.id));
  const size_t h = b.empty() ? 0 : (b[0] * 2654435761u) % 7;
  std::this_thread::sleep_for(std::chrono::microseconds(200 * h));
  return b;
}

// All batches of `epochs` epochs (epoch ends marked by an empty batch).
std::vector<Batch> run(const Dataset& ds, LoaderOptions opt, int epochs) {
  DataLoader<Batch> loader(ds, collate_slowly, opt);
  std::vector<Batch> out;
  for (int e = 0; e < epochs; ++e) {
    while (auto b = loader.next()) out.push_back(*b);
    out.push_back({});
  }
  return out;
}

TEST(Loader, SameSequenceForAnyWorkerCount) {
  const auto ds = numbered(103);
  LoaderOptions opt;
  opt.batch_size = 4;
  opt.seed = 17;
  opt.drop_last = false;
  opt.num_workers = 0;
  const auto ref = run(ds, opt, 3);
  ASSERT_EQ(ref.size(), 3u * (26 + 1));  // ceil(103 / 4) batches + the epoch-end marker
  for (int workers : {1, 2, 4}) {
    opt.num_workers = workers;
    opt.prefetch = workers * 2;
    EXPECT_EQ(run(ds, opt, 3), ref) << workers << " workers";
  }
  // Each epoch is a permutation of all samples, different per epoch and per seed.
  std::vector<size_t> e0, e1;
  for (size_t i = 0; i < 26; ++i) e0.insert(e0.end(), ref[i].begin(), ref[i].end());
  for (size_t i = 27; i < 53; ++i) e1.insert(e1.end(), ref[i].begin(), ref[i].end());
  EXPECT_EQ(std::set<size_t>(e0.begin(), e0.end()).size(), 103u);
  EXPECT_NE(e0, e1);
  opt.seed = 18;
  EXPECT_NE(run(ds, opt, 1)[0], ref[0]);
  opt.shuffle = false;
  EXPECT_EQ(run(ds, opt, 1)[1], (Batch{4, 5, 6, 7}));
}

TEST(Loader, RanksAreDisjointAndCover) {
  for (bool drop_last : {true, false}) {
    const size_t n = 100, world = 3;
    const auto ds = numbered(n);
    std::vector<size_t> all;
    size_t batches = 0;
    for (size_t r = 0; r < world; ++r) {
      LoaderOptions opt;
      opt.batch_size = 5;
      opt.seed = 3;
      opt.rank = static_cast<int>(r);
      opt.world_size = static_cast<int>(world);
      opt.drop_last = drop_last;
      const auto seq = run(ds, opt, 1);
      if (r == 0) batches = seq.size();
      EXPECT_EQ(seq.size(), batches) << "every rank steps the same number of times";
      for (const auto& b : seq) all.insert(all.end(), b.begin(), b.end());
    }
    const std::set<size_t> uniq(all.begin(), all.end());
    if (drop_last) {
      // 100 / 3 = 33 per rank -> 6 batches of 5 = 30 per rank, no sample twice.
      EXPECT_EQ(all.size(), 90u);
      EXPECT_EQ(uniq.size(), all.size());
    } else {
      // Padded to 102 by wrapping: all 100 seen, 2 seen twice.
      EXPECT_EQ(all.size(), 102u);
      EXPECT_EQ(uniq.size(), n);
    }
  }
}

TEST(Loader, ResumeContinuesWithTheSameBatches) {
  const auto ds = numbered(57);
  LoaderOptions opt;
  opt.batch_size = 4;
  opt.seed = 99;
  opt.num_workers = 3;
  opt.prefetch = 5;
  const auto full = run(ds, opt, 3);  // 14 batches + marker per epoch

  for (size_t stop_after : {size_t{0}, size_t{5}, size_t{14}, size_t{20}}) {
    std::string saved;
    std::vector<Batch> got;
    {
      DataLoader<Batch> loader(ds, collate_slowly, opt);
      for (size_t k = 0; k < stop_after;) {
        auto b = loader.next();
        got.push_back(b ? *b : Batch{});
        if (b) ++k;
      }
      saved = loader.position().to_json();  // loader destroyed with batches still prefetched
    }
    DataLoader<Batch> resumed(ds, collate_slowly, opt);
    resumed.restore(LoaderPosition::from_json(saved, "test"));
    while (got.size() < full.size()) {
      auto b = resumed.next();
      got.push_back(b ? *b : Batch{});
    }
    // An interrupted run may or may not have taken the epoch-end marker; compare batches only.
    auto strip = [](std::vector<Batch> v) {
      v.erase(std::remove(v.begin(), v.end(), Batch{}), v.end());
      return v;
    };
    auto a = strip(got), f = strip(full);
    a.resize(f.size());
    EXPECT_EQ(a, f) << "resumed after " << stop_after << " batches";
  }
}

TEST(Loader, PositionIsCheckedOnRestore) {
  const auto ds = numbered(40);
  LoaderOptions opt;
  opt.batch_size = 4;
  DataLoader<Batch> loader(ds, collate_slowly, opt);
  LoaderPosition p = loader.position();
  p.dataset_size = 41;
  EXPECT_THROW(loader.restore(p), Error);
  p = loader.position();
  p.samples = 40;  // 40 / 4 = 10 batches: sample 40 is past the epoch
  EXPECT_THROW(loader.restore(p), Error);
  p = loader.position();
  p.global_batch = 8;  // saved with another global batch: the steps would differ
  EXPECT_THROW(loader.restore(p), Error);
  EXPECT_THROW(LoaderPosition::from_json("{\"epoch\": 1}", "trainer_state.json"), Error);
  // A position from before the global layout (epoch, batch) is refused, not reinterpreted.
  EXPECT_THROW(LoaderPosition::from_json(R"({"epoch": 0, "batch": 1, "seed": 0, "dataset_size": 40,
      "batch_size": 4, "world_size": 1})", "trainer_state.json"), Error);
}

// Samples of optimizer step s over all ranks, in block order (micro-batch k of rank r is block
// k·W + r): the data stream in global terms.
std::vector<std::vector<size_t>> global_steps(const Dataset& ds, int64_t batch, int64_t accum, int world,
                                              int epochs, const std::string& resume_from = "") {
  std::vector<std::vector<std::vector<size_t>>> per_rank(static_cast<size_t>(world));
  for (int r = 0; r < world; ++r) {
    LoaderOptions opt;
    opt.batch_size = batch;
    opt.grad_accum = accum;
    opt.seed = 11;
    opt.rank = r;
    opt.world_size = world;
    opt.num_workers = 2;
    DataLoader<Batch> loader(ds, collate_slowly, opt);
    if (!resume_from.empty()) loader.restore(LoaderPosition::from_json(resume_from, "test"));
    for (int e = 0; e < epochs; ++e)
      while (auto b = loader.next()) per_rank[static_cast<size_t>(r)].push_back(*b);
  }
  std::vector<std::vector<size_t>> steps;
  for (size_t j = 0; j < per_rank[0].size(); j += static_cast<size_t>(accum)) {
    std::vector<size_t> step;
    for (size_t k = 0; k < static_cast<size_t>(accum); ++k)
      for (const auto& rank : per_rank) step.insert(step.end(), rank[j + k].begin(), rank[j + k].end());
    steps.push_back(step);
  }
  return steps;
}

TEST(Loader, SameGlobalBatchGivesTheSameStepsForAnySplit) {
  const auto ds = numbered(50);  // global batch 12: 4 steps per epoch, 2 samples skipped
  const auto ref = global_steps(ds, 12, 1, 1, 2);
  ASSERT_EQ(ref.size(), 8u);
  // Independent reference: step s of epoch e is order[12 s', 12 s' + 12) of that epoch's permutation.
  for (size_t s = 0; s < ref.size(); ++s) {
    const auto order = shuffled_range(50, 11, static_cast<int64_t>(s / 4));
    EXPECT_EQ(ref[s], std::vector<size_t>(order.begin() + 12 * (s % 4), order.begin() + 12 * (s % 4 + 1)))
        << "step " << s;
  }
  struct Split { int64_t batch, accum; int world; };
  for (Split sp : {Split{6, 1, 2}, Split{3, 2, 2}, Split{1, 4, 3}, Split{2, 2, 3}, Split{3, 1, 4}})
    EXPECT_EQ(global_steps(ds, sp.batch, sp.accum, sp.world, 2), ref)
        << sp.batch << " x " << sp.accum << " x " << sp.world << " ranks";
}

TEST(Loader, PositionResumesUnderAnotherSplitOfTheGlobalBatch) {
  const auto ds = numbered(50);
  const auto ref = global_steps(ds, 12, 1, 1, 3);  // 12 steps
  LoaderOptions opt;  // 2 ranks x batch 3 x accum 2; rank 0 stops after 5 optimizer steps
  opt.batch_size = 3;
  opt.grad_accum = 2;
  opt.seed = 11;
  opt.world_size = 2;
  std::string saved;
  {
    DataLoader<Batch> loader(ds, collate_slowly, opt);
    for (int taken = 0; taken < 10;)
      if (loader.next()) ++taken;
    saved = loader.position().to_json();
  }
  EXPECT_EQ(LoaderPosition::from_json(saved, "test").epoch, 1);
  EXPECT_EQ(LoaderPosition::from_json(saved, "test").samples, 12);
  // Resumed by 1 rank x batch 6 x accum 2 and by 3 ranks x batch 4 x accum 1.
  for (auto [batch, accum, world] : {std::tuple<int64_t, int64_t, int>{6, 2, 1}, {4, 1, 3}}) {
    auto rest = global_steps(ds, batch, accum, world, 2, saved);  // to the end of epoch 2
    ASSERT_EQ(rest.size(), 7u) << world << " ranks";
    EXPECT_TRUE(std::equal(rest.begin(), rest.end(), ref.begin() + 5)) << world << " ranks";
  }
  // Another global batch is refused with the keys that restore it.
  opt.world_size = 1;
  opt.grad_accum = 1;
  DataLoader<Batch> other(ds, collate_slowly, opt);
  try {
    other.restore(LoaderPosition::from_json(saved, "test"));
    FAIL() << "restored a position of global batch 12 into global batch 3";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("global batch is 12"), std::string::npos) << what;
    EXPECT_NE(what.find("train.grad_accum=4"), std::string::npos) << what;
  }
}

TEST(Loader, WorkerErrorsSurfaceForTheirBatch) {
  const auto ds = numbered(12);
  LoaderOptions opt;
  opt.batch_size = 3;
  opt.shuffle = false;
  opt.num_workers = 2;
  DataLoader<Batch> loader(ds, [](std::vector<Sample> s) -> Batch {
    if (s[0].id == "3") throw Error("cannot decode image", "sample " + s[0].source);
    return collate_slowly(std::move(s));
  }, opt);
  EXPECT_EQ(*loader.next(), (Batch{0, 1, 2}));
  EXPECT_THROW(loader.next(), Error);
  EXPECT_EQ(*loader.next(), (Batch{6, 7, 8}));
}

TEST(Loader, ShuffleDependsOnSeedAndEpochOnly) {
  const auto a = shuffled_range(10, 1234, 0);
  const auto b = shuffled_range(10, 1234, 0);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, shuffled_range(10, 1234, 1));
  std::set<size_t> s(a.begin(), a.end());
  EXPECT_EQ(s.size(), 10u);
}

}  // namespace
}  // namespace vlmforge::data
