// Sequence packing in the model: a packed row (several samples, per-sample positions,
// block-diagonal causal attention) gives every token the logits it has when its sample runs
// alone, image features land in their own sample's placeholders, and the loss is the mean over
// the samples' supervised tokens with no target taken across a sample boundary.
#include <gtest/gtest.h>

#include <cstdio>

#include "models/loader.h"
#include "tests/models/tiny_vlm.h"

namespace vlmforge {
namespace {

using test::kImageTokens;
constexpr int64_t kImage = test::kImageToken;

struct Sample {
  std::vector<int64_t> ids, labels;
  bool image = false;
};

// Text tokens in [1, 62], optionally an image run after the first token; the second half is
// supervised (including the first token, which no loss may ever use as a target).
Sample make_sample(int64_t len, bool image, uint64_t seed) {
  Sample s;
  s.image = image;
  torch::Tensor t = torch::randint(1, kImage, {len}, torch::make_generator<at::CPUGeneratorImpl>(seed));
  for (int64_t i = 0; i < len; ++i) s.ids.push_back(t[i].item<int64_t>());
  if (image) s.ids.insert(s.ids.begin() + 1, kImageTokens, kImage);
  const size_t n = s.ids.size();
  for (size_t i = 0; i < n; ++i) s.labels.push_back(i == 0 || i >= n / 2 ? s.ids[i] : -100);
  return s;
}

torch::Tensor row(const std::vector<int64_t>& v) {
  return torch::tensor(v, torch::kInt64).unsqueeze(0);
}

void check_packing(const std::string& arch) {
  auto vlm = build_vlm(test::tiny_vlm_config(arch));
  torch::NoGradGuard no_grad;
  // Larger than the 0.02 init so that attention patterns (and a leak across samples) matter.
  torch::manual_seed(7);
  for (torch::Tensor* t : unique_storages(vlm->named_parameters())) t->normal_(0, 0.3);
  torch::manual_seed(11);
  std::vector<Sample> samples = {make_sample(9, true, 1), make_sample(7, false, 2),
                                 make_sample(12, true, 3), make_sample(5, false, 4)};
  torch::Tensor images = torch::randn({2, 3, 32, 32});  // samples 0 and 2, in order

  // Alone: one sample per forward.
  std::vector<torch::Tensor> alone_logits;
  double loss_sum = 0;
  int64_t n_sup = 0;
  int64_t img = 0;
  for (const Sample& s : samples) {
    VlmInputs in;
    in.input_ids = row(s.ids);
    in.labels = row(s.labels);
    if (s.image) in.pixel_values = images.narrow(0, img++, 1);
    VlmOutputs out = vlm->forward(in, true);
    alone_logits.push_back(out.logits[0]);
    loss_sum += out.loss.item<double>() * static_cast<double>(out.num_supervised);
    n_sup += out.num_supervised;
  }

  // Packed: rows {0, 1} and {2, 3}, right-padded to the longer row.
  std::vector<std::vector<size_t>> rows = {{0, 1}, {2, 3}};
  int64_t T = 0;
  for (const auto& r : rows) {
    int64_t n = 0;
    for (size_t i : r) n += static_cast<int64_t>(samples[i].ids.size());
    T = std::max(T, n);
  }
  const int64_t B = static_cast<int64_t>(rows.size());
  VlmInputs in;
  in.input_ids = torch::zeros({B, T}, torch::kInt64);
  in.labels = torch::full({B, T}, -100, torch::kInt64);
  in.attention_mask = torch::zeros({B, T}, torch::kInt64);
  in.position_ids = torch::zeros({B, T}, torch::kInt64);
  in.sequence_ids = torch::full({B, T}, -1, torch::kInt64);
  in.pixel_values = images;
  std::vector<std::tuple<int64_t, int64_t, size_t>> where;  // (row, first position, sample)
  for (int64_t r = 0; r < B; ++r) {
    int64_t t = 0;
    for (size_t k = 0; k < rows[r].size(); ++k) {
      const Sample& s = samples[rows[r][k]];
      const int64_t n = static_cast<int64_t>(s.ids.size());
      where.emplace_back(r, t, rows[r][k]);
      in.input_ids[r].narrow(0, t, n).copy_(torch::tensor(s.ids));
      in.labels[r].narrow(0, t, n).copy_(torch::tensor(s.labels));
      in.attention_mask[r].narrow(0, t, n).fill_(1);
      in.position_ids[r].narrow(0, t, n).copy_(torch::arange(n));
      in.sequence_ids[r].narrow(0, t, n).fill_(static_cast<int64_t>(k));
      t += n;
    }
  }
  VlmOutputs packed = vlm->forward(in, true);

  double worst = 0;
  for (const auto& [r, t, i] : where) {
    const int64_t n = static_cast<int64_t>(samples[i].ids.size());
    worst = std::max(worst, (packed.logits[r].narrow(0, t, n) - alone_logits[i]).abs().max().item<double>());
  }
  const double ref_loss = loss_sum / static_cast<double>(n_sup);
  const double dloss = std::abs(packed.loss.item<double>() - ref_loss);
  std::printf("PACKING %s: max |dlogits| = %.3g, |dloss| = %.3g (loss %.6f, %lld supervised)\n",
              arch.c_str(), worst, dloss, ref_loss, static_cast<long long>(n_sup));
  EXPECT_LE(worst, 1e-5);
  EXPECT_LE(dloss, 1e-5);
  EXPECT_EQ(packed.num_supervised, n_sup) << "a target was taken across a sample boundary";

  // Without the packing layout the second sample would see the first: the check has teeth.
  VlmInputs plain = in;
  plain.position_ids = plain.sequence_ids = torch::Tensor();
  torch::Tensor leaky = vlm->forward(plain, true).logits;
  const auto& [r1, t1, i1] = where[1];
  const int64_t n1 = static_cast<int64_t>(samples[i1].ids.size());
  const double leak = (leaky[r1].narrow(0, t1, n1) - alone_logits[i1]).abs().max().item<double>();
  std::printf("PACKING %s: without the layout max |dlogits| = %.3g\n", arch.c_str(), leak);
  EXPECT_GT(leak, 1e-2);
}

TEST(Packing, Qwen2LikeVlmMatchesSamplesAlone) { check_packing("qwen2"); }
TEST(Packing, PhiLikeVlmMatchesSamplesAlone) { check_packing("phi"); }

TEST(Packing, MaskIsBlockDiagonalCausal) {
  torch::Tensor seq = torch::tensor({0, 0, 1, 1, 1, -1}, torch::kInt64).unsqueeze(0);
  torch::Tensor m = make_packed_mask(seq).mask[0][0];
  // Expected by hand: row q may see k <= q of its own sample; padding sees itself.
  const int expect[6][6] = {{1, 0, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0},
                            {0, 0, 1, 1, 0, 0}, {0, 0, 1, 1, 1, 0}, {0, 0, 0, 0, 0, 1}};
  for (int q = 0; q < 6; ++q)
    for (int k = 0; k < 6; ++k) EXPECT_EQ(m[q][k].item<bool>(), expect[q][k] == 1) << q << "," << k;
}

}  // namespace
}  // namespace vlmforge
