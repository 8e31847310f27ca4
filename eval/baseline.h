// The trivial baseline a trained model must beat: for every question type, answer with the
// answer seen most often for that type in the training data.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "eval/report.h"

namespace vlmforge::eval {

class MostFrequentAnswerBaseline {
 public:
  static constexpr const char* kName = "most_frequent_answer_per_question_type";

  // One training question: its type and its (first) gold answer. Answers are counted after
  // match_normalize(), and the first-seen spelling of the winning answer is the prediction.
  void add(const std::string& question_type, const std::string& answer);

  // Most frequent answer of the type (ties: the one seen first); for a type never seen in
  // training, the most frequent answer over all types; "" when nothing was added.
  std::string predict(const std::string& question_type) const;

  // Scores the baseline's answers on `records` (their golds, types and doc types).
  BaselineResult evaluate(const std::vector<PredictionRecord>& records, double anls_threshold = 0.5) const;

 private:
  struct Counts {
    std::map<std::u32string, int64_t> count;
    std::map<std::u32string, int64_t> first_seen;
    std::map<std::u32string, std::string> spelling;
    int64_t seen = 0;
    void add(const std::string& answer);
    std::string best() const;
  };
  std::map<std::string, Counts> by_type_;
  Counts all_;
};

}  // namespace vlmforge::eval
