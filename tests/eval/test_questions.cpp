// Questions from dataset records, the batched evaluation driver and the baseline fitted on
// training records.
#include <gtest/gtest.h>

#include "data/formats/record.h"
#include "eval/baseline.h"
#include "eval/questions.h"
#include "models/core/error.h"

namespace ev = vlmforge::eval;
namespace data = vlmforge::data;

namespace {

data::DatasetRecord invoice() {
  return data::record_from_json_text(
      R"({"id": "inv-000042", "image": "images/inv-000042.jpg", "doc_type": "invoice",
          "conversations": [{"from": "human", "value": "<image>\nКакой ИНН продавца?"},
                            {"from": "gpt", "value": "7707083893"},
                            {"from": "human", "value": "Сколько позиций?"},
                            {"from": "gpt", "value": "3"},
                            {"from": "human", "value": "Без ответа?"}],
          "qa_meta": [{"type": "extractive", "field": "seller.inn", "bbox": [412, 188, 590, 210]},
                      {"type": "counting", "field": "items", "bbox": null}],
          "regions": []})",
      "test:1");
}

data::DatasetRecord llava_like() {
  data::DatasetRecord r;
  r.id = "x";
  r.image = "a.png";
  r.conversations = {{"human", "Что написано? <image>"}, {"gpt", "да"}};
  return r;
}

}  // namespace

TEST(EvalQuestions, FromRecords) {
  const auto qs = ev::questions_of(invoice(), 7);
  ASSERT_EQ(qs.size(), 2u);  // the trailing human turn has no answer
  EXPECT_EQ(qs[0].id, "inv-000042#0");
  EXPECT_EQ(qs[0].sample_index, 7u);
  EXPECT_EQ(qs[0].question, "Какой ИНН продавца?");
  EXPECT_EQ(qs[0].gold, "7707083893");
  EXPECT_EQ(qs[0].question_type, "extractive");
  EXPECT_EQ(qs[0].field, "seller.inn");
  EXPECT_EQ(qs[0].bbox, (std::vector<double>{412, 188, 590, 210}));
  EXPECT_EQ(qs[1].question, "Сколько позиций?");
  EXPECT_EQ(qs[1].question_type, "counting");
  EXPECT_TRUE(qs[1].bbox.empty());
  ASSERT_EQ(qs[1].prompt_turns().size(), 1u);
  EXPECT_EQ(qs[1].prompt_turns()[0].value, "<image>\nСколько позиций?");

  const auto plain = ev::questions_of(llava_like(), 0);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].question, "Что написано?");
  EXPECT_EQ(plain[0].question_type, ev::kUnknown);
  EXPECT_EQ(plain[0].doc_type, ev::kUnknown);
}

TEST(EvalQuestions, CollectWithLimitAndEmptyErrors) {
  EXPECT_EQ(ev::collect_questions({invoice(), llava_like()}, 0, "d").size(), 3u);
  EXPECT_EQ(ev::collect_questions({invoice(), llava_like()}, 2, "d").size(), 2u);
  try {
    ev::collect_questions({}, 0, "data/empty.jsonl");
    FAIL();
  } catch (const vlmforge::Error& e) {
    EXPECT_EQ(e.where(), "data/empty.jsonl");
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos);
  }
  data::DatasetRecord no_answers;
  no_answers.conversations = {{"human", "?"}};
  EXPECT_THROW(ev::collect_questions({no_answers}, 0, "d"), vlmforge::Error);
}

TEST(EvalQuestions, EvaluatesInBatches) {
  const auto qs = ev::collect_questions({invoice(), llava_like(), invoice()}, 0, "d");  // 5 questions
  std::vector<size_t> batch_sizes;
  std::vector<std::pair<size_t, size_t>> progress;
  const auto records = ev::evaluate_questions(
      qs, 2,
      [&](const std::vector<const ev::EvalQuestion*>& batch) {
        batch_sizes.push_back(batch.size());
        std::vector<std::string> out;
        for (const auto* q : batch) out.push_back(q->question_index == 0 ? q->gold : "неверно");
        return out;
      },
      0.5, [&](size_t done, size_t total) { progress.emplace_back(done, total); });
  EXPECT_EQ(batch_sizes, (std::vector<size_t>{2, 2, 1}));
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(progress.back(), (std::pair<size_t, size_t>{5, 5}));
  ASSERT_EQ(records.size(), 5u);
  // Question 0 of each record answered correctly: inv#0, x#0, inv#0 -> EM 3/5.
  double em = 0;
  for (const auto& r : records) em += r.scores.exact_match;
  EXPECT_DOUBLE_EQ(em, 3.0);
  EXPECT_EQ(records[1].golds, (std::vector<std::string>{"3"}));
  EXPECT_EQ(records[1].prediction, "неверно");

  EXPECT_THROW(ev::evaluate_questions(qs, 2, [](const auto&) { return std::vector<std::string>{"a"}; }),
               vlmforge::Error);
  EXPECT_THROW(ev::evaluate_questions(qs, 0, [](const auto& b) { return std::vector<std::string>(b.size()); }),
               vlmforge::Error);
}

TEST(EvalQuestions, BaselineFromTrainingRecords) {
  ev::MostFrequentAnswerBaseline b;
  ev::add_training_answers(b, {invoice(), invoice(), llava_like()});
  EXPECT_EQ(b.predict("extractive"), "7707083893");
  EXPECT_EQ(b.predict("counting"), "3");
  EXPECT_EQ(b.predict(ev::kUnknown), "да");
}
