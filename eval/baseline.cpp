#include "eval/baseline.h"

#include "eval/text.h"

namespace vlmforge::eval {

void MostFrequentAnswerBaseline::Counts::add(const std::string& answer) {
  const std::u32string key = match_normalize(answer);
  if (count.find(key) == count.end()) {
    first_seen[key] = seen;
    spelling[key] = answer;
  }
  ++count[key];
  ++seen;
}

std::string MostFrequentAnswerBaseline::Counts::best() const {
  const std::u32string* winner = nullptr;
  for (const auto& [key, n] : count) {
    if (!winner || n > count.at(*winner) ||
        (n == count.at(*winner) && first_seen.at(key) < first_seen.at(*winner)))
      winner = &key;
  }
  return winner ? spelling.at(*winner) : std::string();
}

void MostFrequentAnswerBaseline::add(const std::string& question_type, const std::string& answer) {
  by_type_[question_type].add(answer);
  all_.add(answer);
}

std::string MostFrequentAnswerBaseline::predict(const std::string& question_type) const {
  const auto it = by_type_.find(question_type);
  return it != by_type_.end() ? it->second.best() : all_.best();
}

BaselineResult MostFrequentAnswerBaseline::evaluate(const std::vector<PredictionRecord>& records,
                                                    double anls_threshold) const {
  BaselineResult result;
  result.name = kName;
  std::map<std::string, std::string> answer_of_type;  // best() scans all answers: once per type
  for (const auto& r : records) {
    auto it = answer_of_type.find(r.question_type);
    if (it == answer_of_type.end())
      it = answer_of_type.emplace(r.question_type, predict(r.question_type)).first;
    result.breakdown.add(r.question_type, r.doc_type, score_answer(it->second, r.golds, anls_threshold));
  }
  return result;
}

}  // namespace vlmforge::eval
