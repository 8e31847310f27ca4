// Calendar dates and the ways Russian documents write them.
#pragma once

#include <cstdint>
#include <string>

#include "synth/rng.h"

namespace vlmforge::synth {

struct Date {
  int year = 2024, month = 1, day = 1;

  int64_t days_since_epoch() const;  // days since 1970-01-01 (proleptic Gregorian)
  static Date from_days(int64_t days);
  Date plus_days(int64_t n) const { return from_days(days_since_epoch() + n); }
};

enum class DateStyle {
  dotted,         // 05.03.2024
  dotted_short,   // 05.03.24
  words,          // 5 марта 2024 г.
  quoted_words,   // «05» марта 2024 г.
  iso,            // 2024-03-05
};
constexpr int kDateStyles = 5;

std::string format_date(const Date& d, DateStyle style);
// A random date between 2019-01-01 and 2025-12-31.
Date make_date(Rng& rng);
// Name of the month in the genitive ("марта").
const char* month_genitive(int month);

}  // namespace vlmforge::synth
