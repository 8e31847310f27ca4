// A rendered document and the facts behind it. Everything a question may ask is recorded here
// while the page is drawn: `fields` maps a field key to the exact text printed in the region
// with that label, and the typed facts (items, totals, dates, signatures) are what arithmetic,
// yes/no and counting answers are computed from.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "synth/render/page.h"
#include "synth/values/catalog.h"
#include "synth/values/date.h"
#include "synth/values/money.h"

namespace vlmforge::synth {

struct Document {
  std::string doc_type;  // "invoice", ...
  std::string title;     // "Счет на оплату"
  int layout = 0;        // layout variant of the type
  cv::Mat image;         // CV_8UC3
  std::vector<Region> regions;

  std::map<std::string, std::string> fields;  // key -> value text as printed
  // Keys of fields this kind of document can carry but this one leaves out (e.g. КПП of an ИП):
  // questions about them are answered "не указано".
  std::vector<std::string> absent;

  std::vector<LineItem> items;  // table rows, in order (empty: no item table)
  MoneyStyle money_style = MoneyStyle::spaced;
  bool has_totals = false;
  VatTotals totals;
  int vat_rate = 0;  // 20, 10 or 0 (без НДС)
  bool has_date = false, has_due_date = false;
  Date date, due_date;
  int signatures = 0;
  int stamps = 0;
  std::string summary;  // one-sentence description ("опиши документ")
};

}  // namespace vlmforge::synth
