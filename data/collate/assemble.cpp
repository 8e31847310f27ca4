// Padding / packing of encoded samples into the batch tensors.
#include <algorithm>

#include "data/chat/chat_template.h"
#include "data/collate/collate.h"
#include "models/core/error.h"

namespace vlmforge::data {

TrainBatch assemble_batch(const std::vector<EncodedSample>& samples, int32_t pad_id,
                          int64_t pad_to_multiple_of, bool packing, int64_t max_length,
                          int32_t image_token_id, int64_t tokens_per_image) {
  // Rows as lists of sample indices: one sample per row, or greedy first-fit in sample order
  // (order is kept so images stay in sample order).
  std::vector<std::vector<size_t>> rows;
  std::vector<int64_t> row_len;
  for (size_t i = 0; i < samples.size(); ++i) {
    const int64_t n = static_cast<int64_t>(samples[i].ids.size());
    if (packing && !rows.empty() && row_len.back() + n <= max_length) {
      rows.back().push_back(i);
      row_len.back() += n;
    } else {
      rows.push_back({i});
      row_len.push_back(n);
    }
  }
  int64_t T = rows.empty() ? 0 : *std::max_element(row_len.begin(), row_len.end());
  const int64_t m = std::max<int64_t>(1, pad_to_multiple_of);
  T = (T + m - 1) / m * m;
  const int64_t B = static_cast<int64_t>(rows.size());

  TrainBatch b;
  b.input_ids = torch::full({B, T}, static_cast<int64_t>(pad_id), torch::kInt64);
  b.labels = torch::full({B, T}, static_cast<int64_t>(chat::kIgnoreIndex), torch::kInt64);
  b.attention_mask = torch::zeros({B, T}, torch::kInt64);
  b.position_ids = torch::zeros({B, T}, torch::kInt64);
  b.sequence_ids = torch::full({B, T}, int64_t{-1}, torch::kInt64);
  auto ids = b.input_ids.accessor<int64_t, 2>();
  auto labels = b.labels.accessor<int64_t, 2>();
  auto mask = b.attention_mask.accessor<int64_t, 2>();
  auto pos = b.position_ids.accessor<int64_t, 2>();
  auto seq = b.sequence_ids.accessor<int64_t, 2>();
  std::vector<int64_t> spans;  // flattened (row, first, count)
  for (int64_t r = 0; r < B; ++r) {
    int64_t t = 0;
    for (size_t k = 0; k < rows[r].size(); ++k) {
      const EncodedSample& s = samples[rows[r][k]];
      if (s.labels.size() != s.ids.size())
        throw Error("labels and ids differ in length", "sample " + s.id);
      for (size_t j = 0; j < s.ids.size(); ++j, ++t) {
        ids[r][t] = s.ids[j];
        // A packed sample's first token would be the target of the previous sample's last one;
        // unpacked, the shifted loss never reads position 0 either.
        const int64_t label = packing && j == 0 ? int64_t{chat::kIgnoreIndex} : s.labels[j];
        labels[r][t] = label;
        mask[r][t] = 1;
        pos[r][t] = static_cast<int64_t>(j);
        seq[r][t] = static_cast<int64_t>(k);
        b.num_supervised_tokens += label != chat::kIgnoreIndex;
        if (image_token_id >= 0 && s.ids[j] == image_token_id &&
            (j == 0 || s.ids[j - 1] != image_token_id)) {
          size_t e = j;
          while (e < s.ids.size() && s.ids[e] == image_token_id) ++e;
          const int64_t count = static_cast<int64_t>(e - j);
          // Adjacent images would merge into one run; the chat template separates them.
          if (tokens_per_image > 0 && count % tokens_per_image != 0)
            throw Error("image token run of " + std::to_string(count) + " is not a multiple of " +
                        std::to_string(tokens_per_image), "sample " + s.id);
          const int64_t per = tokens_per_image > 0 ? tokens_per_image : count;
          for (int64_t c = 0; c < count; c += per) spans.insert(spans.end(), {r, t + c, per});
        }
      }
      b.sample_ids.push_back(s.id);
    }
    b.num_tokens += t;
  }
  b.num_samples = static_cast<int64_t>(samples.size());
  const int64_t n_img = static_cast<int64_t>(spans.size() / 3);
  b.image_spans = torch::from_blob(spans.data(), {n_img, 3}, torch::kInt64).clone();
  return b;
}

}  // namespace vlmforge::data
