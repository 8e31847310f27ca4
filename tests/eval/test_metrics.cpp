// Metric values computed by hand (the arithmetic is in the comments).
#include <gtest/gtest.h>

#include "eval/metrics.h"
#include "eval/text.h"

namespace ev = vlmforge::eval;

TEST(EvalText, LowerCasesRussianIncludingYo) {
  EXPECT_EQ(ev::utf8_encode(ev::to_lower(ev::utf8_decode("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"))),
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя");
  EXPECT_EQ(ev::utf8_encode(ev::to_lower(ev::utf8_decode("ЀЂЃЄЅІЇЈЉЊЋЌЍЎЏ Ѣ Ґ Ӏ"))),
            "ѐђѓєѕіїјљњћќѝўџ ѣ ґ ӏ");
  EXPECT_EQ(ev::utf8_encode(ev::to_lower(ev::utf8_decode("ÀÉÎÕÜ×Þ ĀĹŸŽ ΑΣΩΆΏ"))), "àéîõü×þ āĺÿž ασωάώ");
}

TEST(EvalText, DecodesMalformedUtf8AsReplacement) {
  const std::u32string s = ev::utf8_decode("a\xD0\xB0\xFF\xD0");
  ASSERT_EQ(s.size(), 4u);  // 'a', 'а', U+FFFD for 0xFF, U+FFFD for the truncated 0xD0
  EXPECT_EQ(s[1], U'а');
  EXPECT_EQ(s[2], 0xFFFDu);
  EXPECT_EQ(s[3], 0xFFFDu);
}

TEST(EvalText, NormalisesForExactMatch) {
  EXPECT_EQ(ev::utf8_encode(ev::match_normalize("  Ёлка  «Зелёная»\u00A0— 5 шт.!! ")),
            "елка \"зеленая\" - 5 шт");
  EXPECT_EQ(ev::utf8_encode(ev::anls_normalize("\t Иванов \u202F ИВАН\n")), "иванов иван");
}

TEST(EvalMetrics, Levenshtein) {
  EXPECT_EQ(ev::levenshtein(U"kitten", U"sitting"), 3u);
  EXPECT_EQ(ev::levenshtein(U"москва", U"мосвка"), 2u);  // transposition = 2 substitutions
  EXPECT_EQ(ev::levenshtein(U"", U"абв"), 3u);
  EXPECT_EQ(ev::levenshtein(U"", U""), 0u);
}

TEST(EvalMetrics, AnlsHandComputed) {
  EXPECT_DOUBLE_EQ(ev::anls("МОСКВА", {"москва"}), 1.0);
  EXPECT_DOUBLE_EQ(ev::anls("Мосвка", {"Москва"}), 1.0 - 2.0 / 6.0);
  // "ооо ромашка" (11) vs "ооо «ромашка»" (13): two insertions.
  EXPECT_DOUBLE_EQ(ev::anls("ООО Ромашка", {"ООО «Ромашка»"}), 1.0 - 2.0 / 13.0);
  // ANLS does not fold ё: one substitution in four letters.
  EXPECT_DOUBLE_EQ(ev::anls("ёлка", {"елка"}), 0.75);
  EXPECT_DOUBLE_EQ(ev::anls("ЁЛКА", {"елка", "ёлка"}), 1.0);  // max over golds
  EXPECT_DOUBLE_EQ(ev::anls("  Иванов   Иван \t", {"иванов иван"}), 1.0);
  EXPECT_DOUBLE_EQ(ev::anls("abcd", {"abxy"}), 0.0);           // NL = 0.5 is not < 0.5
  EXPECT_DOUBLE_EQ(ev::anls("abcde", {"abxde"}), 0.8);         // NL = 0.2
  EXPECT_DOUBLE_EQ(ev::anls("abcd", {"abxy"}, 0.6), 0.5);      // tau = 0.6 lets NL = 0.5 in
}

TEST(EvalMetrics, AnlsEmptyAnswers) {
  EXPECT_DOUBLE_EQ(ev::anls("", {"7707083893"}), 0.0);  // NL = 10/10
  EXPECT_DOUBLE_EQ(ev::anls("нет", {""}), 0.0);          // NL = 3/3
  EXPECT_DOUBLE_EQ(ev::anls("", {""}), 1.0);             // both empty: NL = 0
  EXPECT_DOUBLE_EQ(ev::anls("  ", {"\t"}), 1.0);         // whitespace-only is empty
  EXPECT_DOUBLE_EQ(ev::anls("что-то", {}), 0.0);         // no gold at all
}

TEST(EvalMetrics, ExactMatchNormalisation) {
  EXPECT_TRUE(ev::exact_match("Ёлка.", {"елка"}));
  EXPECT_TRUE(ev::exact_match("«Ромашка»", {"\"Ромашка\""}));
  EXPECT_TRUE(ev::exact_match("„Ромашка“", {"'ромашка'"}));
  EXPECT_TRUE(ev::exact_match("Москва—Тверь", {"москва-тверь"}));
  EXPECT_TRUE(ev::exact_match("Москва – Тверь?!", {"москва - тверь"}));
  EXPECT_FALSE(ev::exact_match("Москва-Тверь", {"москва - тверь"}));  // spaces are kept
  EXPECT_FALSE(ev::exact_match("а б", {"аб"}));
  EXPECT_TRUE(ev::exact_match("", {""}));
  EXPECT_FALSE(ev::exact_match("", {"нет"}));
  EXPECT_FALSE(ev::exact_match("нет", {""}));
  EXPECT_FALSE(ev::exact_match("нет", {}));
}

TEST(EvalMetrics, ParsesNumbers) {
  auto value = [](const char* s) {
    auto n = ev::parse_number(s);
    return n ? n->value : -12345.0;
  };
  EXPECT_DOUBLE_EQ(value("15 300,50"), 15300.5);
  EXPECT_DOUBLE_EQ(value("15300.50"), 15300.5);
  EXPECT_DOUBLE_EQ(value("15\u00A0300.50 руб."), 15300.5);
  EXPECT_DOUBLE_EQ(value("15 300 рублей"), 15300.0);
  EXPECT_DOUBLE_EQ(value("$1,234,567"), 1234567.0);
  EXPECT_DOUBLE_EQ(value("1.234,5"), 1234.5);
  EXPECT_DOUBLE_EQ(value("1,234.5"), 1234.5);
  EXPECT_DOUBLE_EQ(value("15,300"), 15.3);  // one comma = decimal comma (Russian)
  EXPECT_DOUBLE_EQ(value("−5"), -5.0);      // U+2212 minus
  EXPECT_DOUBLE_EQ(value("20%"), 20.0);
  EXPECT_DOUBLE_EQ(value("007"), 7.0);
  EXPECT_FALSE(ev::parse_number("12 34"));     // groups after the first must have 3 digits
  EXPECT_FALSE(ev::parse_number("1.2.3,4"));   // two decimal points
  EXPECT_FALSE(ev::parse_number("ИНН 7707"));
  EXPECT_FALSE(ev::parse_number(""));
  EXPECT_FALSE(ev::parse_number("руб."));
}

TEST(EvalMetrics, NumericMatch) {
  EXPECT_TRUE(ev::numeric_match("15300.50", {"15 300,50"}));
  EXPECT_TRUE(ev::numeric_match("15 300.50 руб.", {"15 300,50"}));
  EXPECT_TRUE(ev::numeric_match("15 300,5", {"15300.50"}));
  EXPECT_TRUE(ev::numeric_match("0,00", {"0"}));
  EXPECT_TRUE(ev::numeric_match("-0", {"0"}));
  EXPECT_FALSE(ev::numeric_match("15300", {"15 300,50"}));
  EXPECT_FALSE(ev::numeric_match("15,300", {"15300"}));
  EXPECT_FALSE(ev::numeric_match("-5", {"5"}));
  EXPECT_TRUE(ev::numeric_match("ООО «Ромашка»", {"ооо \"ромашка\""}));  // non-numeric gold: EM
  EXPECT_FALSE(ev::numeric_match("нет", {"15"}));
}

TEST(EvalMetrics, RelaxedAccuracy) {
  EXPECT_TRUE(ev::relaxed_match("104", {"100"}));
  EXPECT_TRUE(ev::relaxed_match("95", {"100"}));  // |95-100| = 5 = 5% of 100
  EXPECT_FALSE(ev::relaxed_match("94,9", {"100"}));
  EXPECT_FALSE(ev::relaxed_match("106", {"100"}));
  EXPECT_TRUE(ev::relaxed_match("0.0", {"0"}));
  EXPECT_FALSE(ev::relaxed_match("0.01", {"0"}));
  EXPECT_TRUE(ev::relaxed_match("-102", {"-100"}));
  EXPECT_TRUE(ev::relaxed_match("Ёлка", {"елка"}));  // non-numeric gold: EM
  EXPECT_FALSE(ev::relaxed_match("", {"100"}));
}

TEST(EvalMetrics, CerWerHandComputed) {
  EXPECT_DOUBLE_EQ(ev::cer("Иванов", std::string_view("Иванова")), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(ev::cer("кот", std::string_view("кит")), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(ev::cer("Кот", std::string_view("кот")), 1.0 / 3.0);  // case-sensitive
  EXPECT_DOUBLE_EQ(ev::cer(" мама  мыла ", std::string_view("мама мыла")), 0.0);
  EXPECT_DOUBLE_EQ(ev::wer("мама мыла раму", std::string_view("мама мыла рамку")), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(ev::wer("a b c d", std::string_view("a b")), 1.0);  // 2 insertions / 2
  EXPECT_DOUBLE_EQ(ev::cer("", std::string_view("")), 0.0);
  EXPECT_DOUBLE_EQ(ev::cer("abc", std::string_view("")), 1.0);
  EXPECT_DOUBLE_EQ(ev::cer("", std::string_view("abc")), 1.0);
  EXPECT_DOUBLE_EQ(ev::wer("", std::string_view("раз два")), 1.0);
  EXPECT_DOUBLE_EQ(ev::cer("кот", std::vector<std::string>{"кит", "кот"}), 0.0);  // min over golds
}

TEST(EvalMetrics, BreakdownMeans) {
  ev::MetricBreakdown b;
  b.add("extractive", "invoice", ev::score_answer("7707083893", {"7707083893"}));
  b.add("extractive", "act", ev::score_answer("", {"7707083893"}));
  b.add("counting", "invoice", ev::score_answer("3", {"4"}));
  const auto all = b.overall();
  EXPECT_EQ(all.count, 3);
  EXPECT_DOUBLE_EQ(all.mean.anls, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(all.mean.exact_match, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(all.mean.cer, 2.0 / 3.0);  // 0 + 1 + 1
  const auto by_type = b.by_question_type();
  EXPECT_EQ(by_type.at("extractive").count, 2);
  EXPECT_DOUBLE_EQ(by_type.at("extractive").mean.anls, 0.5);
  const auto by_doc = b.by_doc_type();
  EXPECT_DOUBLE_EQ(by_doc.at("invoice").mean.exact_match, 0.5);
  EXPECT_DOUBLE_EQ(by_doc.at("act").mean.wer, 1.0);
}
