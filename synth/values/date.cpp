#include "synth/values/date.h"

#include <cstdio>

namespace vlmforge::synth {

// Days from civil date (H. Hinnant's algorithm): era of 400 years, day of era, shift to 1970.
int64_t Date::days_since_epoch() const {
  const int y = year - (month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
}

Date Date::from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Date d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (d.month <= 2));
  return d;
}

const char* month_genitive(int month) {
  static const char* names[] = {"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
  return names[(month - 1) % 12];
}

std::string format_date(const Date& d, DateStyle style) {
  char b[64];
  switch (style) {
    case DateStyle::dotted:
      std::snprintf(b, sizeof b, "%02d.%02d.%04d", d.day, d.month, d.year);
      break;
    case DateStyle::dotted_short:
      std::snprintf(b, sizeof b, "%02d.%02d.%02d", d.day, d.month, d.year % 100);
      break;
    case DateStyle::words:
      std::snprintf(b, sizeof b, "%d %s %04d г.", d.day, month_genitive(d.month), d.year);
      break;
    case DateStyle::quoted_words:
      std::snprintf(b, sizeof b, "«%02d» %s %04d г.", d.day, month_genitive(d.month), d.year);
      break;
    case DateStyle::iso:
      std::snprintf(b, sizeof b, "%04d-%02d-%02d", d.year, d.month, d.day);
      break;
  }
  return b;
}

Date make_date(Rng& rng) {
  const int64_t from = Date{2019, 1, 1}.days_since_epoch();
  const int64_t to = Date{2025, 12, 31}.days_since_epoch();
  return Date::from_days(rng.range(from, to));
}

}  // namespace vlmforge::synth
