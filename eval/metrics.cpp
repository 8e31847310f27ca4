#include "eval/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "eval/text.h"

namespace vlmforge::eval {

namespace {

// Two-row dynamic programme over any sequence of comparable items.
template <class Seq>
size_t edit_distance(const Seq& a, const Seq& b) {
  if (a.size() < b.size()) return edit_distance(b, a);
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  std::iota(prev.begin(), prev.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({substitute, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::u32string> split_words(const std::u32string& collapsed) {
  std::vector<std::u32string> words;
  size_t start = 0;
  while (start < collapsed.size()) {
    size_t end = collapsed.find(U' ', start);
    if (end == std::u32string::npos) end = collapsed.size();
    words.push_back(collapsed.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

bool ends_with(const std::u32string& s, const std::u32string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void trim_spaces(std::u32string& s) {
  while (!s.empty() && s.back() == U' ') s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == U' ') ++i;
  s.erase(0, i);
}

// A unit is removed only when a digit or a space precedes it, so no entry can eat part of a
// longer one ("рубль" does not end in "р").
const std::vector<std::u32string>& unit_suffixes() {
  static const std::vector<std::u32string> units = {
      U"рублей", U"рубля", U"рубль", U"руб", U"коп", U"р", U"\u20bd", U"rub",
      U"usd",    U"eur",   U"$",     U"\u20ac", U"%", U"шт"};
  return units;
}

}  // namespace

size_t levenshtein(std::u32string_view a, std::u32string_view b) { return edit_distance(a, b); }

size_t levenshtein(const std::vector<std::u32string>& a, const std::vector<std::u32string>& b) {
  return edit_distance(a, b);
}

double normalized_levenshtein(std::u32string_view a, std::u32string_view b) {
  const size_t length = std::max(a.size(), b.size());
  return length == 0 ? 0.0 : static_cast<double>(levenshtein(a, b)) / static_cast<double>(length);
}

double anls(std::string_view prediction, const std::vector<std::string>& golds, double threshold) {
  const std::u32string pred = anls_normalize(prediction);
  double best = 0.0;
  for (const auto& gold : golds) {
    const double nl = normalized_levenshtein(pred, anls_normalize(gold));
    best = std::max(best, nl < threshold ? 1.0 - nl : 0.0);
  }
  return best;
}

bool exact_match(std::string_view prediction, const std::vector<std::string>& golds) {
  const std::u32string pred = match_normalize(prediction);
  return std::any_of(golds.begin(), golds.end(),
                     [&](const std::string& g) { return match_normalize(g) == pred; });
}

bool ParsedNumber::operator==(const ParsedNumber& o) const {
  const bool zero = integer == "0" && fraction.empty();
  const bool other_zero = o.integer == "0" && o.fraction.empty();
  if (zero || other_zero) return zero && other_zero;
  return negative == o.negative && integer == o.integer && fraction == o.fraction;
}

std::optional<ParsedNumber> parse_number(std::string_view text) {
  std::u32string s = match_normalize(text);
  // Currency prefix.
  if (!s.empty() && (s[0] == U'$' || s[0] == 0x20AC || s[0] == 0x20BD)) s.erase(0, 1);
  trim_spaces(s);
  // One unit suffix, attached to the last digit or separated by one space.
  for (const auto& unit : unit_suffixes()) {
    if (!ends_with(s, unit) || s.size() == unit.size()) continue;
    const char32_t before = s[s.size() - unit.size() - 1];
    if (is_digit(before) || before == U' ') {
      s.erase(s.size() - unit.size());
      trim_spaces(s);
      break;
    }
  }
  ParsedNumber n;
  if (!s.empty() && (s[0] == U'-' || s[0] == U'+')) {
    n.negative = s[0] == U'-';
    s.erase(0, 1);
    trim_spaces(s);
  }
  if (s.empty() || !is_digit(s.front()) || !is_digit(s.back())) return std::nullopt;

  // Separators: no two in a row, only ' ' '\'' '"' (a normalised apostrophe) '.' ','.
  size_t dots = 0, commas = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (is_digit(c)) continue;
    if (c != U' ' && c != U'"' && c != U'.' && c != U',') return std::nullopt;
    if (!is_digit(s[i - 1])) return std::nullopt;  // s[0] is a digit, so i >= 1
    dots += c == U'.';
    commas += c == U',';
  }
  char32_t decimal = 0;
  if (dots > 0 && commas > 0) {
    decimal = s.find_last_of(U".,") == s.rfind(U'.') ? U'.' : U',';
    if ((decimal == U'.' ? dots : commas) != 1) return std::nullopt;
  } else if (dots == 1) {
    decimal = U'.';
  } else if (commas == 1) {
    decimal = U',';
  }
  std::u32string int_part = s, frac_part;
  if (decimal != 0) {
    const size_t at = s.rfind(decimal);
    int_part = s.substr(0, at);
    frac_part = s.substr(at + 1);
    if (!std::all_of(frac_part.begin(), frac_part.end(), is_digit)) return std::nullopt;
  }
  // Integer part: digit groups; with separators the first group has 1-3 digits, the rest 3.
  std::vector<std::u32string> groups;
  size_t start = 0;
  for (size_t i = 0; i <= int_part.size(); ++i) {
    if (i == int_part.size() || !is_digit(int_part[i])) {
      groups.push_back(int_part.substr(start, i - start));
      start = i + 1;
    }
  }
  if (groups.size() > 1) {
    if (groups[0].empty() || groups[0].size() > 3) return std::nullopt;
    for (size_t g = 1; g < groups.size(); ++g)
      if (groups[g].size() != 3) return std::nullopt;
  }
  std::string digits;
  for (const auto& g : groups)
    for (char32_t c : g) digits.push_back(static_cast<char>(c));
  const size_t first_nonzero = digits.find_first_not_of('0');
  n.integer = first_nonzero == std::string::npos ? "0" : digits.substr(first_nonzero);
  for (char32_t c : frac_part) n.fraction.push_back(static_cast<char>(c));
  while (!n.fraction.empty() && n.fraction.back() == '0') n.fraction.pop_back();

  const std::string literal = n.integer + (n.fraction.empty() ? "" : "." + n.fraction);
  std::from_chars(literal.data(), literal.data() + literal.size(), n.value);  // locale-free
  if (n.negative) n.value = -n.value;
  return n;
}

bool numeric_match(std::string_view prediction, const std::vector<std::string>& golds) {
  const auto pred = parse_number(prediction);
  const std::u32string pred_text = match_normalize(prediction);
  for (const auto& g : golds) {
    const auto gold = parse_number(g);
    if (gold ? (pred && *pred == *gold) : match_normalize(g) == pred_text) return true;
  }
  return false;
}

bool relaxed_match(std::string_view prediction, const std::vector<std::string>& golds, double tolerance) {
  const auto pred = parse_number(prediction);
  const std::u32string pred_text = match_normalize(prediction);
  for (const auto& g : golds) {
    const auto gold = parse_number(g);
    if (!gold) {
      if (match_normalize(g) == pred_text) return true;
    } else if (pred) {
      if (gold->value == 0.0 ? pred->value == 0.0
                             : std::abs(pred->value - gold->value) <= tolerance * std::abs(gold->value))
        return true;
    }
  }
  return false;
}

double cer(std::string_view hypothesis, std::string_view reference) {
  const std::u32string hyp = collapse_spaces(utf8_decode(hypothesis));
  const std::u32string ref = collapse_spaces(utf8_decode(reference));
  if (ref.empty()) return hyp.empty() ? 0.0 : 1.0;
  return static_cast<double>(levenshtein(hyp, ref)) / static_cast<double>(ref.size());
}

double wer(std::string_view hypothesis, std::string_view reference) {
  const auto hyp = split_words(collapse_spaces(utf8_decode(hypothesis)));
  const auto ref = split_words(collapse_spaces(utf8_decode(reference)));
  if (ref.empty()) return hyp.empty() ? 0.0 : 1.0;
  return static_cast<double>(levenshtein(hyp, ref)) / static_cast<double>(ref.size());
}

double cer(std::string_view hypothesis, const std::vector<std::string>& golds) {
  double best = golds.empty() ? 1.0 : INFINITY;
  for (const auto& g : golds) best = std::min(best, cer(hypothesis, std::string_view(g)));
  return best;
}

double wer(std::string_view hypothesis, const std::vector<std::string>& golds) {
  double best = golds.empty() ? 1.0 : INFINITY;
  for (const auto& g : golds) best = std::min(best, wer(hypothesis, std::string_view(g)));
  return best;
}

AnswerScores score_answer(std::string_view prediction, const std::vector<std::string>& golds,
                          double anls_threshold) {
  AnswerScores s;
  s.anls = anls(prediction, golds, anls_threshold);
  s.exact_match = exact_match(prediction, golds) ? 1.0 : 0.0;
  s.numeric_match = numeric_match(prediction, golds) ? 1.0 : 0.0;
  s.relaxed_accuracy = relaxed_match(prediction, golds) ? 1.0 : 0.0;
  s.cer = cer(prediction, golds);
  s.wer = wer(prediction, golds);
  return s;
}

void MetricBreakdown::Sum::add(const AnswerScores& s) {
  ++count;
  total.anls += s.anls;
  total.exact_match += s.exact_match;
  total.numeric_match += s.numeric_match;
  total.relaxed_accuracy += s.relaxed_accuracy;
  total.cer += s.cer;
  total.wer += s.wer;
}

MetricSummary MetricBreakdown::Sum::summary() const {
  MetricSummary m;
  m.count = count;
  if (count == 0) return m;
  const double n = static_cast<double>(count);
  m.mean = {total.anls / n,         total.exact_match / n, total.numeric_match / n,
            total.relaxed_accuracy / n, total.cer / n,     total.wer / n};
  return m;
}

void MetricBreakdown::add(const std::string& question_type, const std::string& doc_type,
                          const AnswerScores& s) {
  overall_.add(s);
  by_question_type_[question_type].add(s);
  by_doc_type_[doc_type].add(s);
}

MetricSummary MetricBreakdown::overall() const { return overall_.summary(); }

std::map<std::string, MetricSummary> MetricBreakdown::by_question_type() const {
  std::map<std::string, MetricSummary> out;
  for (const auto& [k, v] : by_question_type_) out[k] = v.summary();
  return out;
}

std::map<std::string, MetricSummary> MetricBreakdown::by_doc_type() const {
  std::map<std::string, MetricSummary> out;
  for (const auto& [k, v] : by_doc_type_) out[k] = v.summary();
  return out;
}

}  // namespace vlmforge::eval
