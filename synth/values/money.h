// Money in kopecks (int64), the ways documents print it, and VAT arithmetic that always adds up:
// net + vat == total to the kopeck.
#pragma once

#include <cstdint>
#include <string>

namespace vlmforge::synth {

enum class MoneyStyle {
  spaced,      // 12 345,67
  plain,       // 12345,67
  dotted,      // 12345.67
};

std::string format_money(int64_t kopecks, MoneyStyle style = MoneyStyle::spaced);
// Quantities are stored in thousandths (2,5 kg = 2500); printed without trailing zeros.
std::string format_quantity(int64_t milli);
// Round half away from zero of num / den (both > 0 or num == 0).
int64_t div_round(int64_t num, int64_t den);

// VAT rate in percent (20, 10) or 0 for "без НДС".
struct VatTotals {
  int64_t net = 0, vat = 0, total = 0;  // kopecks
};
// VAT on top of a net amount: vat = round(net * rate / 100).
VatTotals vat_on_top(int64_t net, int rate);
// VAT included in a gross amount: vat = round(total * rate / (100 + rate)).
VatTotals vat_included(int64_t total, int rate);
std::string vat_rate_text(int rate);  // "20%", "10%", "без НДС"

}  // namespace vlmforge::synth
