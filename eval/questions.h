// Questions to evaluate, taken from dataset records: every human turn followed by a gpt turn is
// one question, asked on its own (image + that question, as DocVQA evaluates), whatever its
// position in the conversation. qa_meta[k] (when present) gives the k-th question's type, field
// and box.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/formats/record.h"
#include "eval/report.h"

namespace vlmforge::eval {

inline constexpr const char* kUnknown = "unknown";  // type / doc type when the record has none

struct EvalQuestion {
  std::string id;             // "<record id>#<k>" (k = question index within the record)
  size_t sample_index = 0;    // position of the record in its dataset
  size_t question_index = 0;  // k
  std::string image;          // the record's image path (relative to its dataset folder)
  std::string doc_type;
  std::string question_type;
  std::string field;
  std::vector<double> bbox;   // empty when the answer is not grounded
  std::string question;       // the human text without the <image> placeholder
  std::string gold;           // the gpt turn's text

  // The single-turn conversation the model answers: {"human": "<image>\n" + question}.
  std::vector<data::Turn> prompt_turns() const;
};

// Questions of one record, in conversation order. A human turn without a following gpt turn is
// skipped (nothing to score).
std::vector<EvalQuestion> questions_of(const data::DatasetRecord& record, size_t sample_index);

// Questions of a list of records, at most `limit` (0 = all). Throws vlmforge::Error naming
// `source` when there is none.
std::vector<EvalQuestion> collect_questions(const std::vector<data::DatasetRecord>& records, int64_t limit,
                                            const std::string& source);

// Answers a batch of questions (same order, same count); the CLI implements it with the model's
// batched generation.
using AnswerBatchFn = std::function<std::vector<std::string>(const std::vector<const EvalQuestion*>& batch)>;
// Called after each batch with (questions done, total).
using EvalProgressFn = std::function<void(size_t done, size_t total)>;

// Asks every question in batches of `batch_size`, scores the answers and returns the records for
// write_report(). Throws vlmforge::Error if `answer` returns the wrong number of answers.
std::vector<PredictionRecord> evaluate_questions(const std::vector<EvalQuestion>& questions, int batch_size,
                                                 const AnswerBatchFn& answer, double anls_threshold = 0.5,
                                                 const EvalProgressFn& progress = nullptr);

// The trivial baseline fitted on training records (every question's type and gold answer).
class MostFrequentAnswerBaseline;
void add_training_answers(MostFrequentAnswerBaseline& baseline, const std::vector<data::DatasetRecord>& records);

}  // namespace vlmforge::eval
