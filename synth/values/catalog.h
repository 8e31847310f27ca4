// Goods and services that appear as line items, with units and realistic price ranges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "synth/rng.h"

namespace vlmforge::synth {

struct LineItem {
  std::string name;
  std::string unit;      // шт, кг, м, усл., ч, упак.
  std::string okei;      // ОКЕИ code of the unit (waybills and VAT invoices print it)
  int64_t quantity = 1000;  // thousandths
  int64_t price = 0;        // kopecks per unit
  int64_t amount = 0;       // kopecks = round(quantity * price / 1000)
};

// `services` picks from services (acts), otherwise goods. Items have distinct names.
std::vector<LineItem> make_items(Rng& rng, int count, bool services);

}  // namespace vlmforge::synth
