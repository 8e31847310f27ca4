// Кассовый чек: a narrow till receipt in a monospaced (or condensed) face on the page centre.
#include "synth/docs/types.h"
#include "synth/render/fonts.h"

namespace vlmforge::synth {

void build_receipt(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  Page& p = b.page;
  b.doc.money_style = layout == 0 ? MoneyStyle::dotted : MoneyStyle::plain;
  const MoneyStyle ms = b.doc.money_style;
  const Organization shop = make_organization(rng);
  const Date date = make_date(rng);
  const auto items = make_items(rng, static_cast<int>(rng.range(1, 7)), false);
  b.doc.items = items;
  // The receipt is a strip of paper: a narrow column with a thin border.
  const int strip_w = p.width() * static_cast<int>(rng.range(40, 50)) / 100;
  const int x0 = (p.width() - strip_w) / 2;
  const int pad = p.face.px;
  const int x = x0 + pad, w = strip_w - 2 * pad;
  const int top = b.y;
  b.y += pad;
  b.spans({{shop.short_name, "seller.name"}}, 0, Align::center, x, w);
  b.spans({{shop.address.full(), "seller.address"}}, std::max(12, p.face.px - 3), Align::center, x, w);
  b.spans({{"ИНН", "text"}, {shop.inn, "seller.inn"}}, 0, Align::center, x, w);
  if (shop.is_ip()) b.doc.absent.push_back("seller.kpp");
  b.spans({{"КАССОВЫЙ ЧЕК", "text", true}}, p.face.px + 2, Align::center, x, w);
  b.spans({{"Приход", "text"}}, 0, Align::center, x, w);
  const int hh = static_cast<int>(rng.range(8, 21)), mm = static_cast<int>(rng.range(0, 59));
  char tm[8];
  std::snprintf(tm, sizeof tm, "%02d:%02d", hh, mm);
  b.doc.has_date = true;
  b.doc.date = date;
  b.spans({{format_date(date, layout == 0 ? DateStyle::dotted : DateStyle::dotted_short), "doc.date"},
           {tm, "doc.time"}, {"Чек №", "text"}, {std::to_string(rng.range(1, 400)), "doc.number"}},
          0, Align::left, x, w);
  p.hline(x, x + w, b.y, 1);
  b.gap(0.4);
  const TextStyle st = p.style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  int64_t sum = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const LineItem& it = items[i];
    const std::string k = "items[" + std::to_string(i) + "]";
    b.spans({{std::to_string(i + 1) + ".", "text"}, {it.name, k + ".name"}}, 0, Align::left, x, w);
    const std::string q = format_quantity(it.quantity) + " x " + format_money(it.price, ms);
    b.field(k + ".quantity", format_quantity(it.quantity));
    b.field(k + ".price", format_money(it.price, ms));
    p.text(x + pad, b.y + asc, q, st, k + ".qty_price");
    const std::string a = "=" + format_money(it.amount, ms);
    p.text(x + w - p.measure(a, st), b.y + asc, a, st, k + ".amount");
    b.field(k + ".amount", format_money(it.amount, ms));
    b.y += static_cast<int>(b.lh() * 1.3);
    sum += it.amount;
  }
  // Price of a quantity line and of a unit share one printed token; give the price its region.
  std::vector<Region> extra;
  for (auto& r : p.regions) {
    const auto pos = r.label.find(".qty_price");
    if (pos != std::string::npos) {
      const std::string k = r.label.substr(0, pos);
      extra.push_back({r.box, k + ".quantity", r.text});
      r.label = k + ".price";
    }
  }
  p.regions.insert(p.regions.end(), extra.begin(), extra.end());
  p.hline(x, x + w, b.y, 1);
  b.gap(0.3);
  const int vat = rng.chance(0.75) ? 20 : (rng.chance(0.5) ? 10 : 0);
  b.doc.has_totals = true;
  b.doc.vat_rate = vat;
  b.doc.totals = vat_included(sum, vat);
  const TextStyle big = p.style(p.face.px + 4, true);
  const int big_asc = p.renderer.measure(big.font, big.px, "Ag").ascent;
  p.text(x, b.y + big_asc, "ИТОГ", big);
  const std::string total = "=" + format_money(sum, ms);
  p.text(x + w - p.measure(total, big), b.y + big_asc, total, big, "total");
  b.field("total", format_money(sum, ms));
  b.y += static_cast<int>(p.line_height(big) * 1.4);
  auto row = [&](const std::string& l, const std::string& key, const std::string& v) {
    p.text(x, b.y + asc, l, st);
    p.text(x + w - p.measure(v, st), b.y + asc, v, st, key);
    if (key != "text") b.field(key, v);
    b.y += static_cast<int>(b.lh() * 1.3);
  };
  const bool card = rng.chance(0.6);
  row(card ? "БЕЗНАЛИЧНЫМИ" : "НАЛИЧНЫМИ", "payment", "=" + format_money(sum, ms));
  if (vat == 0) {
    row("СУММА БЕЗ НДС", "vat", "=" + format_money(sum, ms));
    b.doc.fields["vat"] = "БЕЗ НДС";
    p.regions.back().text = "СУММА БЕЗ НДС =" + format_money(sum, ms);
    p.regions.back().box |= p.regions[p.regions.size() - 2].box;
  } else {
    row("СУММА НДС " + std::to_string(vat) + "%", "vat", "=" + format_money(b.doc.totals.vat, ms));
    b.doc.fields["vat"] = format_money(b.doc.totals.vat, ms);
  }
  b.doc.fields["payment"] = format_money(sum, ms);
  b.gap(0.3);
  const Person cashier = make_person(rng);
  b.spans({{"Кассир:", "text"}, {cashier.surname_initials(), "cashier"}}, 0, Align::left, x, w);
  TextStyle tiny = p.style(std::max(11, p.face.px - 3));
  const std::string fn = "99" + std::to_string(rng.range(10000000, 99999999)) + std::to_string(rng.range(100000, 999999));
  b.spans({{"ФН №", "text"}, {fn, "fn"}, {"ФД №", "text"}, {std::to_string(rng.range(1, 99999)), "fd"},
           {"ФП", "text"}, {std::to_string(rng.range(1000000000LL, 4294967295LL)), "fp"}},
          tiny.px, Align::left, x, w);
  b.spans({{"СПАСИБО ЗА ПОКУПКУ!", "text"}}, 0, Align::center, x, w);
  p.rect(cv::Rect(x0, top, strip_w, b.y - top + pad / 2), 1, cv::Scalar(170, 170, 170));
  b.doc.absent.push_back("doc.due_date");
  b.doc.absent.push_back("buyer.name");
  b.doc.summary = "Кассовый чек № " + b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] +
                  " магазина " + shop.short_name + ", " + std::to_string(items.size()) + " поз., итог " +
                  b.doc.fields["total"] + " руб.";
}

}  // namespace vlmforge::synth
