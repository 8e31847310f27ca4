// A training batch as the VLM's forward pass and loss consume it. Labels are aligned with
// input_ids (Hugging Face convention: the loss shifts them), -100 where nothing is learned:
// system/user text, template tokens, image tokens and padding.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace vlmforge::data {

struct TrainBatch {
  torch::Tensor input_ids;       // [B, T] int64, right-padded with pad_id
  torch::Tensor labels;          // [B, T] int64, -100 = not supervised
  torch::Tensor attention_mask;  // [B, T] int64, 1 = real token, 0 = padding
  torch::Tensor position_ids;    // [B, T] int64, restarting at 0 for each packed sample
  // Which sample of the row each token belongs to (0, 1, ... within the row; -1 on padding).
  // Without packing it is 0 on every real token; with packing, attention must be block-diagonal
  // over equal sequence ids (see docs/data.md).
  torch::Tensor sequence_ids;    // [B, T] int64
  torch::Tensor pixel_values;    // [N_img, 3, H, W] float32, images in order of appearance
  // One row per image: (batch row, first position, token count) of its run of image tokens;
  // image i's features go to input_ids[row, first : first + count].
  torch::Tensor image_spans;     // [N_img, 3] int64
  std::vector<std::string> sample_ids;  // samples in the batch, in row order (packed rows: all)

  int64_t num_samples = 0;          // samples that made it into the batch
  int64_t num_truncated = 0;        // cut to max_length
  int64_t num_skipped = 0;          // dropped (overlong with policy skip, or nothing supervised)
  int64_t num_supervised_tokens = 0;
  int64_t num_tokens = 0;           // real (non-padding) tokens

  int64_t rows() const { return input_ids.defined() ? input_ids.size(0) : 0; }
};

}  // namespace vlmforge::data
