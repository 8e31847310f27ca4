#include "eval/questions.h"

#include <algorithm>

#include "eval/baseline.h"
#include "models/core/error.h"

namespace vlmforge::eval {

namespace {

// Removes the image placeholder LLaVA puts before (or after) the first question.
std::string strip_image_token(std::string text) {
  static const std::string kToken = "<image>";
  const size_t at = text.find(kToken);
  if (at == std::string::npos) return text;
  text.erase(at, kToken.size());
  const auto not_space = [](char c) { return c != '\n' && c != ' ' && c != '\r' && c != '\t'; };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

}  // namespace

std::vector<data::Turn> EvalQuestion::prompt_turns() const { return {{"human", "<image>\n" + question}}; }

std::vector<EvalQuestion> questions_of(const data::DatasetRecord& record, size_t sample_index) {
  std::vector<EvalQuestion> out;
  const auto& turns = record.conversations;
  size_t k = 0;
  for (size_t t = 0; t + 1 < turns.size(); ++t) {
    if (turns[t].from != "human" || turns[t + 1].from != "gpt") continue;
    EvalQuestion q;
    q.id = record.id + "#" + std::to_string(k);
    q.sample_index = sample_index;
    q.question_index = k;
    q.image = record.image;
    q.doc_type = record.doc_type.empty() ? kUnknown : record.doc_type;
    q.question_type = kUnknown;
    if (k < record.qa_meta.size()) {
      const data::QaMeta& meta = record.qa_meta[k];
      if (!meta.type.empty()) q.question_type = meta.type;
      q.field = meta.field;
      if (meta.bbox) q.bbox.assign(meta.bbox->begin(), meta.bbox->end());
    }
    q.question = strip_image_token(turns[t].value);
    q.gold = turns[t + 1].value;
    out.push_back(std::move(q));
    ++k;
    ++t;  // the gpt turn is consumed
  }
  return out;
}

std::vector<EvalQuestion> collect_questions(const std::vector<data::DatasetRecord>& records, int64_t limit,
                                            const std::string& source) {
  std::vector<EvalQuestion> out;
  for (size_t i = 0; i < records.size(); ++i) {
    for (auto& q : questions_of(records[i], i)) {
      if (limit > 0 && static_cast<int64_t>(out.size()) >= limit) return out;
      out.push_back(std::move(q));
    }
  }
  if (out.empty())
    throw Error(records.empty() ? "the dataset is empty" : "no question/answer pairs in the dataset", source,
                "evaluation needs records whose conversations have human turns followed by gpt answers");
  return out;
}

std::vector<PredictionRecord> evaluate_questions(const std::vector<EvalQuestion>& questions, int batch_size,
                                                 const AnswerBatchFn& answer, double anls_threshold,
                                                 const EvalProgressFn& progress) {
  if (batch_size < 1) throw Error("batch size must be >= 1, got " + std::to_string(batch_size), "eval.batch_size");
  std::vector<PredictionRecord> records;
  records.reserve(questions.size());
  for (size_t start = 0; start < questions.size(); start += batch_size) {
    const size_t end = std::min(questions.size(), start + static_cast<size_t>(batch_size));
    std::vector<const EvalQuestion*> batch;
    for (size_t i = start; i < end; ++i) batch.push_back(&questions[i]);
    const std::vector<std::string> answers = answer(batch);
    if (answers.size() != batch.size())
      throw Error("the generator returned " + std::to_string(answers.size()) + " answers for " +
                  std::to_string(batch.size()) + " questions");
    for (size_t i = 0; i < batch.size(); ++i) {
      const EvalQuestion& q = *batch[i];
      PredictionRecord r;
      r.id = q.id;
      r.image = q.image;
      r.doc_type = q.doc_type;
      r.question_type = q.question_type;
      r.field = q.field;
      r.bbox = q.bbox;
      r.question = q.question;
      r.golds = {q.gold};
      r.prediction = answers[i];
      score_record(r, anls_threshold);
      records.push_back(std::move(r));
    }
    if (progress) progress(end, questions.size());
  }
  return records;
}

void add_training_answers(MostFrequentAnswerBaseline& baseline, const std::vector<data::DatasetRecord>& records) {
  for (size_t i = 0; i < records.size(); ++i)
    for (const auto& q : questions_of(records[i], i)) baseline.add(q.question_type, q.gold);
}

}  // namespace vlmforge::eval
