// Every answer agrees with what the page shows, over 1,000 generated documents (default
// degradation on, so boxes have been through the geometry): string answers are found in the
// text of the region they are grounded to; numeric answers are recomputed here from the numbers
// printed in the regions (parsed back from their text, not taken from the generator's values);
// yes/no and counting answers are checked against the regions present; "не указано" answers
// have no region for their field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "synth/config.h"
#include "synth/generator.h"

using namespace vlmforge::synth;

namespace {

// Kopecks of a printed amount: digits with an optional ',' or '.' decimal part
// ("12 345,67", "=12345.67", "1000,00"). Returns -1 when the text holds no amount.
int64_t parse_money(const std::string& text) {
  std::string digits;
  int decimals = -1;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
      if (decimals >= 0) ++decimals;
    } else if ((c == ',' || c == '.') && !digits.empty() && decimals < 0) {
      decimals = 0;
    }
  }
  if (digits.empty()) return -1;
  int64_t v = std::stoll(digits);
  if (decimals <= 0) return v * 100;
  if (decimals == 1) return v * 10;
  return v;  // two decimals
}

int64_t parse_quantity_milli(const std::string& text) {
  // "2,5" -> 2500; "14" -> 14000.
  const auto comma = text.find(',');
  if (comma == std::string::npos) return std::stoll(text) * 1000;
  std::string frac = text.substr(comma + 1);
  while (frac.size() < 3) frac += '0';
  return std::stoll(text.substr(0, comma)) * 1000 + std::stoll(frac.substr(0, 3));
}

// Days since 1970-01-01 of a date printed as dd.mm.yyyy, dd.mm.yy, yyyy-mm-dd, "5 марта 2024 г."
// or "«05» марта 2024 г." (independent of the generator's date code: Zeller-free day count).
int64_t parse_date_days(const std::string& t) {
  static const char* months[] = {"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                                 "августа", "сентября", "октября", "ноября", "декабря"};
  std::smatch m;
  int y = 0, mo = 0, d = 0;
  if (std::regex_search(t, m, std::regex(R"((\d{4})-(\d{2})-(\d{2}))"))) {
    y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
  } else if (std::regex_search(t, m, std::regex(R"((\d{2})\.(\d{2})\.(\d{4}))"))) {
    d = std::stoi(m[1]), mo = std::stoi(m[2]), y = std::stoi(m[3]);
  } else if (std::regex_search(t, m, std::regex(R"((\d{2})\.(\d{2})\.(\d{2}))"))) {
    d = std::stoi(m[1]), mo = std::stoi(m[2]), y = 2000 + std::stoi(m[3]);
  } else {
    for (int i = 0; i < 12; ++i) {
      if (std::regex_search(t, m, std::regex(std::string(R"((\d{1,2})\D{0,4} )") + months[i] + R"( (\d{4}))"))) {
        d = std::stoi(m[1]), mo = i + 1, y = std::stoi(m[2]);
        break;
      }
    }
  }
  if (!y) return INT64_MIN;
  static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  auto leap = [](int yy) { return (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0; };
  int64_t days = 0;
  for (int yy = 1970; yy < y; ++yy) days += leap(yy) ? 366 : 365;
  days += cum[mo - 1] + (mo > 2 && leap(y) ? 1 : 0) + d - 1;
  return days;
}

// "Is VAT charged?" questions (as opposed to "is the VAT amount printed?").
const std::set<std::string> kVatQuestions = {
    "Облагается ли сумма НДС?", "Включен ли НДС?", "Начислен ли в документе НДС?",
    "Есть ли в документе НДС?", "Указана ли ненулевая сумма НДС?"};

struct PageIndex {
  std::multimap<std::string, const Region*> by_label;
  const Region* first(const std::string& l) const {
    auto it = by_label.find(l);
    return it == by_label.end() ? nullptr : it->second;
  }
  size_t count(const std::string& l) const { return by_label.count(l); }
};

}  // namespace

TEST(SynthQa, AnswersAgreeWithRegionsOver1000Documents) {
  SynthConfig cfg;
  cfg.num = 1000;
  cfg.seed = 4242;
  TextRenderer renderer;
  std::map<std::string, int> checked;
  for (int64_t i = 0; i < cfg.num; ++i) {
    const GeneratedDoc g = generate_document(cfg, i, renderer, false);
    PageIndex p;
    for (const auto& r : g.doc.regions) {
      p.by_label.emplace(r.label, &r);
      ASSERT_GE(r.box.x, 0);
      ASSERT_GE(r.box.y, 0);
      ASSERT_LE(r.box.x + r.box.width, g.doc.image.cols);
      ASSERT_LE(r.box.y + r.box.height, g.doc.image.rows);
    }
    // Items as printed: amounts, quantities, prices parsed back from the regions.
    std::vector<int64_t> amounts;
    for (size_t k = 0;; ++k) {
      const Region* a = p.first("items[" + std::to_string(k) + "].amount");
      if (!a) break;
      amounts.push_back(parse_money(a->text));
    }
    int64_t sum = 0;
    for (int64_t a : amounts) sum += a;
    const Region* total_r = p.first("total");
    const Region* vat_r = p.first("vat");
    const Region* net_r = p.first("net");
    const int64_t total = total_r ? parse_money(total_r->text) : -1;
    const int64_t vat = vat_r ? parse_money(vat_r->text) : -1;
    const int64_t net = net_r ? parse_money(net_r->text) : -1;
    if (net >= 0 && vat >= 0 && total >= 0) {
      ASSERT_EQ(net + vat, total) << g.id;
    }

    for (size_t q = 0; q < g.qa.size(); ++q) {
      const QaPair& qa = g.qa[q];
      const std::string ctx = g.id + " Q: " + qa.question + " A: " + qa.answer;
      ++checked[qa.type];
      if (qa.answer == "не указано") {
        ASSERT_EQ(p.count(qa.field), 0u) << ctx;
        continue;
      }
      if (qa.type == "extractive" || qa.type == "transcription" ||
          (qa.type == "description" && qa.field != "doc")) {
        bool found = false;
        for (auto [it, end] = p.by_label.equal_range(qa.field); it != end; ++it)
          found = found || (it->second->text.find(qa.answer) != std::string::npos && it->second->box == qa.box);
        ASSERT_TRUE(found) << ctx;
      } else if (qa.type == "yesno") {
        if (qa.field == "signature" || qa.field == "stamp") {
          ASSERT_EQ(qa.answer == "да", p.count(qa.field) > 0) << ctx;
        } else if (qa.field == "vat" && kVatQuestions.count(qa.question)) {
          const bool has_vat = vat > 0 && vat_r->text.find("без") == std::string::npos &&
                               vat_r->text.find("Без") == std::string::npos &&
                               vat_r->text.find("БЕЗ") == std::string::npos &&
                               vat_r->text.find("не облагается") == std::string::npos;
          ASSERT_EQ(qa.answer == "да", has_vat) << ctx;
        } else {
          ASSERT_EQ(qa.answer == "да", p.count(qa.field) > 0) << ctx;
        }
      } else if (qa.type == "counting") {
        size_t n = 0;
        if (qa.field == "items") {
          while (p.count("items[" + std::to_string(n) + "].name")) ++n;
        } else {
          n = p.count(qa.field);
        }
        ASSERT_EQ(qa.answer, std::to_string(n)) << ctx;
      } else if (qa.type == "arithmetic") {
        const int64_t ans = parse_money(qa.answer);
        if (qa.field == "total") {
          // a + b = total, total - VAT, or the sum of all rows when no separate net is printed.
          const bool ok = ans == total || (vat >= 0 && ans == total - vat) || ans == sum;
          ASSERT_TRUE(ok) << ctx << " total=" << total << " vat=" << vat << " sum=" << sum;
          if (ans == total && vat >= 0 && net >= 0) {
            ASSERT_EQ(net + vat, ans) << ctx;
          }
        } else if (qa.field == "net") {
          ASSERT_EQ(ans, sum) << ctx;
          ASSERT_EQ(ans, net) << ctx;
        } else if (qa.field == "doc.due_date") {
          const int64_t d0 = parse_date_days(p.first("doc.date")->text);
          const int64_t d1 = parse_date_days(p.first("doc.due_date")->text);
          ASSERT_NE(d0, INT64_MIN) << ctx;
          ASSERT_EQ(qa.answer, std::to_string(d1 - d0)) << ctx;
        } else if (qa.field.find("].amount") != std::string::npos) {
          const std::string k = qa.field.substr(0, qa.field.find(']') + 1);
          const int64_t qty = parse_quantity_milli(p.first(k + ".quantity")->text.substr(0, p.first(k + ".quantity")->text.find(' ')));
          int64_t price = parse_money(p.first(k + ".price")->text);
          const Region* pr = p.first(k + ".price");
          if (pr->text.find(" x ") != std::string::npos) price = parse_money(pr->text.substr(pr->text.find(" x ") + 3));
          ASSERT_EQ(ans, (qty * price + 500) / 1000) << ctx;
          ASSERT_EQ(ans, parse_money(p.first(qa.field)->text)) << ctx;
        } else if (qa.field.find("].name") != std::string::npos) {
          const size_t k = std::stoul(qa.field.substr(6));
          ASSERT_LT(k, amounts.size()) << ctx;
          for (size_t j = 0; j < amounts.size(); ++j) {
            if (j != k) {
              ASSERT_LT(amounts[j], amounts[k]) << ctx;
            }
          }
          ASSERT_EQ(p.first(qa.field)->text, qa.answer) << ctx;
        } else {
          FAIL() << "unchecked arithmetic field " << ctx;
        }
      }
    }
    // Printed item amounts add up to the printed net (VAT on top) or total (VAT included).
    if (!amounts.empty() && total >= 0 && g.doc.doc_type != "receipt") {
      ASSERT_TRUE(sum == net || sum == total) << g.id << " sum=" << sum << " net=" << net << " total=" << total;
    }
  }
  for (const auto& [type, n] : checked) std::printf("checked %-14s %d\n", type.c_str(), n);
  for (const char* t : {"extractive", "arithmetic", "yesno", "counting", "description", "transcription"})
    EXPECT_GT(checked[t], 100) << t;
}
