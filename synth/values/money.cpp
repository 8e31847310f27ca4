#include "synth/values/money.h"

#include <cstdio>

namespace vlmforge::synth {

std::string format_money(int64_t kopecks, MoneyStyle style) {
  const bool negative = kopecks < 0;
  if (negative) kopecks = -kopecks;
  const std::string rub = std::to_string(kopecks / 100);
  std::string grouped;
  if (style == MoneyStyle::spaced) {
    for (size_t i = 0; i < rub.size(); ++i) {
      if (i > 0 && (rub.size() - i) % 3 == 0) grouped += ' ';
      grouped += rub[i];
    }
  } else {
    grouped = rub;
  }
  char kop[4];
  std::snprintf(kop, sizeof kop, "%02d", static_cast<int>(kopecks % 100));
  return (negative ? "-" : "") + grouped + (style == MoneyStyle::dotted ? "." : ",") + kop;
}

std::string format_quantity(int64_t milli) {
  std::string s = std::to_string(milli / 1000);
  int64_t frac = milli % 1000;
  if (frac == 0) return s;
  char b[8];
  std::snprintf(b, sizeof b, "%03d", static_cast<int>(frac));
  std::string f = b;
  while (!f.empty() && f.back() == '0') f.pop_back();
  return s + "," + f;
}

int64_t div_round(int64_t num, int64_t den) { return (2 * num + den) / (2 * den); }

VatTotals vat_on_top(int64_t net, int rate) {
  VatTotals t;
  t.net = net;
  t.vat = rate == 0 ? 0 : div_round(net * rate, 100);
  t.total = t.net + t.vat;
  return t;
}

VatTotals vat_included(int64_t total, int rate) {
  VatTotals t;
  t.total = total;
  t.vat = rate == 0 ? 0 : div_round(total * rate, 100 + rate);
  t.net = t.total - t.vat;
  return t;
}

std::string vat_rate_text(int rate) { return rate == 0 ? "без НДС" : std::to_string(rate) + "%"; }

}  // namespace vlmforge::synth
