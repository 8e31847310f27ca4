// Answer metrics for document QA (definitions in docs/eval.md):
//   ANLS            DocVQA: max over gold answers of 1 - NL if NL < tau else 0, with
//                   NL = Levenshtein(p, g) / max(|p|, |g|) over code points of anls_normalize()d text.
//   exact match     match_normalize(p) == match_normalize(g) for some gold.
//   numeric match   golds that parse as numbers (parse_number) compare by exact decimal value,
//                   others by exact match.
//   relaxed         ChartQA relaxed accuracy: numeric golds accept |p - g| <= 5% |g|, others
//                   fall back to exact match.
//   CER / WER       edit distance over code points / words of collapse_spaces()d, case-sensitive
//                   text, divided by the reference length; min over gold answers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlmforge::eval {

// Unit-cost edit distance (insert, delete, substitute).
size_t levenshtein(std::u32string_view a, std::u32string_view b);
size_t levenshtein(const std::vector<std::u32string>& a, const std::vector<std::u32string>& b);

// Levenshtein / max(|a|, |b|); 0 when both are empty.
double normalized_levenshtein(std::u32string_view a, std::u32string_view b);

// Per-question ANLS. An empty gold list scores 0 (the record has nothing to match).
double anls(std::string_view prediction, const std::vector<std::string>& golds, double threshold = 0.5);

bool exact_match(std::string_view prediction, const std::vector<std::string>& golds);

// A number read from an answer. Accepted after match_normalize(): optional currency prefix
// ($ € ₽), optional sign, digits with thousands groups (space, apostrophe, or the separator that
// is not the decimal one), optional decimal part, optional unit suffix from a fixed list
// (руб, р, рублей, рубля, рубль, коп, ₽, rub, $, usd, €, eur, %, шт). Decimal separator: when
// both '.' and ',' occur, the last one; when one of them occurs once, it is the decimal point
// ("15,300" = 15.3, the Russian reading); when it repeats, it separates thousands.
struct ParsedNumber {
  bool negative = false;
  std::string integer;   // digits without leading zeros ("0" for zero)
  std::string fraction;  // digits without trailing zeros
  double value = 0.0;
  bool operator==(const ParsedNumber& o) const;  // exact decimal equality; -0 == 0
};
std::optional<ParsedNumber> parse_number(std::string_view text);

bool numeric_match(std::string_view prediction, const std::vector<std::string>& golds);
bool relaxed_match(std::string_view prediction, const std::vector<std::string>& golds,
                   double tolerance = 0.05);

// Character / word error rate of one hypothesis against one reference. An empty reference gives
// 0 when the hypothesis is empty too, else 1.
double cer(std::string_view hypothesis, std::string_view reference);
double wer(std::string_view hypothesis, std::string_view reference);
// Best (lowest) rate over the gold answers; 1 for an empty gold list.
double cer(std::string_view hypothesis, const std::vector<std::string>& golds);
double wer(std::string_view hypothesis, const std::vector<std::string>& golds);

// Every metric of one question, each in [0, 1] (CER/WER can exceed 1 for long hypotheses).
struct AnswerScores {
  double anls = 0.0;
  double exact_match = 0.0;
  double numeric_match = 0.0;
  double relaxed_accuracy = 0.0;
  double cer = 0.0;
  double wer = 0.0;
};
AnswerScores score_answer(std::string_view prediction, const std::vector<std::string>& golds,
                          double anls_threshold = 0.5);

// Means of AnswerScores over a group of questions.
struct MetricSummary {
  int64_t count = 0;
  AnswerScores mean;
};

// Accumulates per-question scores overall and by question type and document type.
class MetricBreakdown {
 public:
  void add(const std::string& question_type, const std::string& doc_type, const AnswerScores& s);

  MetricSummary overall() const;
  std::map<std::string, MetricSummary> by_question_type() const;
  std::map<std::string, MetricSummary> by_doc_type() const;

 private:
  struct Sum {
    int64_t count = 0;
    AnswerScores total;
    void add(const AnswerScores& s);
    MetricSummary summary() const;
  };
  Sum overall_;
  std::map<std::string, Sum> by_question_type_, by_doc_type_;
};

}  // namespace vlmforge::eval
