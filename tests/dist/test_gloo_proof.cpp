// Proof that c10d's ProcessGroupGloo works from C++ with the torch wheel's LibTorch plus
// Debian's libgloo-dev headers: two ranks (threads, each with its own TCPStore client and
// process group) all-reduce and broadcast over loopback. Linked against libtorch only.
#include <gtest/gtest.h>

#include <thread>

#include "train/dist/compat.h"

namespace {

using namespace std::chrono_literals;
namespace compat = vlmforge::dist::compat;

// Runs `body(rank, pg)` on `world` threads, rank 0's store hosts the rendezvous.
template <class Body>
void run_ranks(int world, Body body) {
  auto server = compat::make_tcp_store("127.0.0.1", 0, /*is_server=*/true, world, 30s);
  const uint16_t port = static_cast<c10d::TCPStore&>(*server).getPort();
  std::vector<std::thread> threads;
  std::vector<std::string> errors(world);
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back([&, rank] {
      try {
        auto store = rank == 0 ? server
                               : compat::make_tcp_store("127.0.0.1", port, false, world, 30s);
        auto pg = compat::make_gloo(store, rank, world, 30s, "127.0.0.1");
        body(rank, *pg);
      } catch (const std::exception& e) {
        errors[rank] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int rank = 0; rank < world; ++rank) EXPECT_EQ(errors[rank], "") << "rank " << rank;
}

TEST(GlooProof, AllReduceSumOverLoopback) {
  std::vector<torch::Tensor> results(2);
  run_ranks(2, [&](int rank, c10d::Backend& pg) {
    // rank r holds (r + 1) * [1, 2, ..., 1000]
    std::vector<torch::Tensor> t{torch::arange(1, 1001, torch::kFloat32) * (rank + 1)};
    pg.allreduce(t)->wait();
    results[rank] = t[0];
  });
  auto expected = torch::arange(1, 1001, torch::kFloat32) * 3;  // 1x + 2x
  for (int rank = 0; rank < 2; ++rank) {
    ASSERT_TRUE(results[rank].defined());
    EXPECT_TRUE(torch::equal(results[rank], expected)) << "rank " << rank;
  }
}

TEST(GlooProof, BroadcastFromRankZero) {
  std::vector<torch::Tensor> results(2);
  run_ranks(2, [&](int rank, c10d::Backend& pg) {
    std::vector<torch::Tensor> t{torch::full({4, 3}, static_cast<double>(rank + 7),
                                             torch::kFloat64)};
    c10d::BroadcastOptions b;
    b.rootRank = 0;
    pg.broadcast(t, b)->wait();
    results[rank] = t[0];
    pg.barrier()->wait();
  });
  for (int rank = 0; rank < 2; ++rank) {
    EXPECT_TRUE(torch::equal(results[rank], torch::full({4, 3}, 7.0, torch::kFloat64)));
  }
}

// REFERENCE.md says Gloo rejects ReduceOp::AVG; the Gloo inside torch 2.13 accepts it. Our code
// never relies on AVG (SUM then divide works on every build); this records what this build does.
TEST(GlooProof, AvgSupportRecorded) {
  std::vector<std::string> outcome(2);
  run_ranks(2, [&](int rank, c10d::Backend& pg) {
    std::vector<torch::Tensor> t{torch::full({3}, rank + 1.0)};
    c10d::AllreduceOptions avg;
    avg.reduceOp = c10d::ReduceOp::AVG;
    try {
      pg.allreduce(t, avg)->wait();
      outcome[rank] = "value " + std::to_string(t[0][0].item<double>());
    } catch (const std::exception& e) {
      outcome[rank] = std::string("rejected: ") + e.what();
    }
  });
  std::cout << "Gloo ReduceOp::AVG on this LibTorch: " << outcome[0] << "\n";
  EXPECT_EQ(outcome[0], outcome[1]);
}

TEST(GlooProof, FourRanksManyCollectivesInFlight) {
  // Several async all-reduces launched before any wait (what gradient buckets do).
  std::vector<std::vector<torch::Tensor>> results(4);
  run_ranks(4, [&](int rank, c10d::Backend& pg) {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    std::vector<std::vector<torch::Tensor>> bufs;
    for (int i = 0; i < 5; ++i) bufs.push_back({torch::full({1000 * (i + 1)}, rank * 10.0 + i)});
    for (auto& b : bufs) works.push_back(pg.allreduce(b));
    for (auto& w : works) w->wait();
    for (auto& b : bufs) results[rank].push_back(b[0]);
  });
  for (int rank = 0; rank < 4; ++rank) {
    ASSERT_EQ(results[rank].size(), 5u);
    for (int i = 0; i < 5; ++i) {
      // sum over r of (10 r + i) = 60 + 4 i
      EXPECT_TRUE(torch::equal(results[rank][i], torch::full({1000 * (i + 1)}, 60.0 + 4 * i)));
    }
  }
}

}  // namespace
