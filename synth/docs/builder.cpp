#include "synth/docs/builder.h"

#include <algorithm>

#include "synth/render/fonts.h"
#include "synth/values/amount_words.h"

namespace vlmforge::synth {

cv::Rect DocBuilder::value(int x, int baseline, const std::string& key, const std::string& text,
                           const TextStyle& st) {
  field(key, text);
  return page.text(x, baseline, text, st, key);
}

void DocBuilder::line(const std::string& label, const std::string& key, const std::string& text,
                      int x, bool bold_value) {
  const TextStyle st = page.style();
  const int asc = page.renderer.measure(st.font, st.px, "Ag").ascent;
  const int lx = x < 0 ? left() : x;
  const int avail = right() - lx;
  const int need = page.measure(label + " " + text, st);
  if (need <= avail) {
    field(key, text);
    page.labeled(lx, y + asc, label, text, key, st, bold_value);
    y += static_cast<int>(lh() * 1.3);
  } else {
    spans({{label, "text"}, {text, key, bold_value}}, 0, Align::left, lx, avail);
  }
}

void DocBuilder::spans(const std::vector<Span>& s, int px, Align align, int x, int w) {
  for (const auto& sp : s)
    if (sp.label != "text") field(sp.label, sp.text);
  y = page.flow(x < 0 ? left() : x, y, w < 0 ? width() : w, s, page.style(px), align);
  y += lh() / 4;
}

void DocBuilder::gap(double lines) { y += static_cast<int>(lh() * lines); }

void doc_title(DocBuilder& b, const std::string& title, const std::string& number,
               const Date& date, DateStyle style, bool centred, int px_plus) {
  b.doc.has_date = true;
  b.doc.date = date;
  const std::string date_text = format_date(date, style);
  std::vector<Span> s{{title + " №", "text", true}, {number, "doc.number", true},
                      {"от", "text", true}, {date_text, "doc.date", true}};
  b.spans(s, b.page.face.px + px_plus, centred ? Align::center : Align::left);
  b.gap(0.4);
}

void letterhead(DocBuilder& b, const Organization& org, const std::string& role) {
  Page& p = b.page;
  const int logo_h = static_cast<int>(p.face.px * 2.4);
  const bool logo_right = b.rng.chance(0.3);
  const int top = b.y;
  const std::string brand = org.is_ip() ? org.head.surname : org.short_name.substr(org.short_name.find("«") + 2,
      org.short_name.size() - org.short_name.find("«") - 4);
  if (logo_right) {
    draw_logo(p, {b.right() - logo_h - p.measure(brand, p.style(static_cast<int>(logo_h * 0.6), true)) - logo_h / 4 - 4, top}, logo_h, brand);
  } else {
    draw_logo(p, {b.left(), top}, logo_h, brand);
  }
  b.y = top + logo_h + p.face.px / 2;
  const int small = std::max(12, p.face.px - 3);
  b.spans({{org.full_name, role + ".name"}}, small, logo_right ? Align::left : Align::left);
  std::vector<Span> s{{org.address.full(), role + ".address"}, {"тел.", "text"},
                      {org.phone, role + ".phone"}};
  if (b.rng.chance(0.6)) {
    s.push_back({"e-mail:", "text"});
    s.push_back({org.email, role + ".email"});
  }
  b.spans(s, small);
  std::vector<Span> req{{"ИНН", "text"}, {org.inn, role + ".inn"}};
  if (!org.is_ip()) {
    req.push_back({"КПП", "text"});
    req.push_back({org.kpp, role + ".kpp"});
  }
  req.push_back({org.is_ip() ? "ОГРНИП" : "ОГРН", "text"});
  req.push_back({org.ogrn, role + ".ogrn"});
  b.spans(req, small);
  if (org.is_ip()) b.doc.absent.push_back(role + ".kpp");
  p.hline(b.left(), b.right(), b.y, 2);
  b.gap(0.8);
}

void bank_box(DocBuilder& b, const Organization& org, const std::string& role) {
  Page& p = b.page;
  const TextStyle st = p.style(std::max(12, p.face.px - 2));
  const int lh = p.line_height(st);
  const int pad = 5;
  const int row = lh + 2 * pad;
  const int x0 = b.left(), x3 = b.right();
  const int x1 = x0 + b.width() * 58 / 100, x2 = x1 + b.width() * 9 / 100;
  const int top = b.y;
  // Row 1-2: bank name | БИК / Сч. №; Row 3: ИНН | КПП | Сч. №; Row 4: recipient.
  auto cell = [&](int xa, int ya, int xb, int yb, const std::string& text, const std::string& key) {
    if (key != "text") b.field(key, text);
    p.text_in_box(cv::Rect(xa + pad, ya + pad, xb - xa - 2 * pad, yb - ya - 2 * pad), text, st,
                  Align::left, key, false);
  };
  const int y1 = top + 2 * row, y2 = y1 + row, y3 = y2 + 2 * row;
  cell(x0, top, x1, y1, org.bank.name + " г. " + org.address.city, role + ".bank");
  cell(x1, top, x2, top + row, "БИК", "text");
  cell(x2, top, x3, top + row, org.bank.bik, role + ".bik");
  cell(x1, top + row, x2, y1, "Сч. №", "text");
  cell(x2, top + row, x3, y1, org.bank.corr_account, role + ".corr_account");
  const int xm = x0 + (x1 - x0) / 2;
  cell(x0, y1, xm, y2, "ИНН " + org.inn, "text");
  b.field(role + ".inn", org.inn);
  p.regions.back().label = role + ".inn";
  if (!org.is_ip()) {
    cell(xm, y1, x1, y2, "КПП " + org.kpp, "text");
    b.field(role + ".kpp", org.kpp);
    p.regions.back().label = role + ".kpp";
  } else {
    b.doc.absent.push_back(role + ".kpp");
  }
  cell(x1, y1, x2, y3, "Сч. №", "text");
  cell(x2, y1, x3, y3, org.account, role + ".account");
  cell(x0, y2, x1, y3, "Получатель " + org.short_name, "text");
  b.field(role + ".name", org.short_name);
  p.regions.back().label = role + ".name";
  p.rect(cv::Rect(x0, top, x3 - x0, y3 - top), 1);
  p.hline(x0, x1, y1);
  p.hline(x0, x1, y2);
  p.hline(x1, x3, top + row);
  p.hline(x1, x3, y1);
  p.vline(x1, top, y3);
  p.vline(x2, top, y3);
  p.vline(xm, y1, y2);
  b.y = y3 + lh;
}

void party(DocBuilder& b, const std::string& caption, const Organization& org,
           const std::string& role, bool with_bank) {
  std::vector<Span> s{{caption, "text", true}, {org.short_name, role + ".name"},
                      {", ИНН", "text"}, {org.inn, role + ".inn"}};
  if (!org.is_ip()) {
    s.push_back({", КПП", "text"});
    s.push_back({org.kpp, role + ".kpp"});
  } else {
    b.doc.absent.push_back(role + ".kpp");
  }
  s.push_back({",", "text"});
  s.push_back({org.address.full(), role + ".address"});
  if (with_bank) {
    s.push_back({", р/с", "text"});
    s.push_back({org.account, role + ".account"});
    s.push_back({"в", "text"});
    s.push_back({org.bank.name, role + ".bank"});
    s.push_back({", БИК", "text"});
    s.push_back({org.bank.bik, role + ".bik"});
  }
  b.spans(s);
}

void items_table(DocBuilder& b, const std::vector<LineItem>& items, bool services, int variant) {
  Page& p = b.page;
  b.doc.items = items;
  const MoneyStyle ms = b.doc.money_style;
  std::vector<TableColumn> cols{{"№", 0.5, Align::center},
                                {services ? "Наименование работ, услуг" : "Наименование товара", 5.0, Align::left}};
  const bool show_unit = variant % 2 == 0 || !services;
  if (show_unit) cols.push_back({"Ед. изм.", 1.0, Align::center});
  cols.push_back({variant % 3 == 1 ? "Кол." : "Количество", 1.3, Align::right});
  cols.push_back({variant % 3 == 2 ? "Цена, руб." : "Цена", 1.5, Align::right});
  cols.push_back({variant % 3 == 2 ? "Сумма, руб." : "Сумма", 1.7, Align::right});
  std::vector<std::vector<TableCell>> rows;
  for (size_t i = 0; i < items.size(); ++i) {
    const LineItem& it = items[i];
    const std::string k = "items[" + std::to_string(i) + "]";
    std::vector<TableCell> r{{std::to_string(i + 1), k + ".index"}, {it.name, k + ".name"}};
    if (show_unit) r.push_back({it.unit, k + ".unit"});
    r.push_back({format_quantity(it.quantity), k + ".quantity"});
    r.push_back({format_money(it.price, ms), k + ".price"});
    r.push_back({format_money(it.amount, ms), k + ".amount"});
    for (const auto& c : r)
      if (c.label != "text") b.field(c.label, c.text);
    rows.push_back(r);
  }
  const TextStyle body = p.style(std::max(12, p.face.px - 2));
  const TextStyle head = p.style(std::max(12, p.face.px - 2), true);
  b.y = draw_table(p, b.left(), b.y, b.width(), cols, rows, body, head, variant % 4 == 3);
  b.gap(0.5);
}

void totals_block(DocBuilder& b, int vat_rate, bool included) {
  Document& d = b.doc;
  int64_t sum = 0;
  for (const auto& it : d.items) sum += it.amount;
  d.has_totals = true;
  d.vat_rate = vat_rate;
  d.totals = included ? vat_included(sum, vat_rate) : vat_on_top(sum, vat_rate);
  const MoneyStyle ms = d.money_style;
  Page& p = b.page;
  const TextStyle st = p.style(0, true);
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  const int value_right = b.right() - 4;
  auto row = [&](const std::string& label, const std::string& key, const std::string& val) {
    const int w = p.measure(val, st);
    const int lw = p.measure(label, st);
    p.text(value_right - w - lw - p.measure("  ", st), b.y + asc, label, st);
    b.value(value_right - w, b.y + asc, key, val, st);
    b.y += static_cast<int>(b.lh() * 1.3);
  };
  if (included) {
    row("Итого:", "total", format_money(d.totals.total, ms));
    if (vat_rate == 0) {
      row("Без налога (НДС)", "vat", "-");
      d.fields["vat"] = "без НДС";
      p.regions.back().text = "без НДС";
    } else {
      row("В том числе НДС (" + vat_rate_text(vat_rate) + "):", "vat", format_money(d.totals.vat, ms));
    }
  } else {
    row("Итого без НДС:", "net", format_money(d.totals.net, ms));
    if (vat_rate == 0) {
      row("НДС:", "vat", "Без НДС");
    } else {
      row("НДС " + vat_rate_text(vat_rate) + ":", "vat", format_money(d.totals.vat, ms));
    }
    row("Всего к оплате:", "total", format_money(d.totals.total, ms));
  }
  b.gap(0.3);
}

void amount_words(DocBuilder& b) {
  Document& d = b.doc;
  const std::string n = std::to_string(d.items.size());
  b.spans({{"Всего наименований", "text"}, {n, "items_count"}, {", на сумму", "text"},
           {format_money(d.totals.total, d.money_style), "text"}, {"руб.", "text"}});
  b.spans({{amount_in_words_document(d.totals.total), "amount_words", true}});
  b.gap(0.5);
}

void signatures(DocBuilder& b, const std::vector<std::pair<std::string, Person>>& signers,
                const std::string& key_prefix, double p_sign, const Organization* stamp_org,
                double p_stamp) {
  Page& p = b.page;
  const TextStyle st = p.style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  cv::Rect first_sig;
  for (size_t i = 0; i < signers.size(); ++i) {
    const auto& [position, person] = signers[i];
    const std::string key = key_prefix + std::to_string(i);
    const int base = b.y + asc + p.face.px;
    p.text(b.left(), base, position, st);
    const int line_x0 = b.left() + b.width() * 42 / 100, line_x1 = line_x0 + b.width() * 22 / 100;
    p.hline(line_x0, line_x1, base + 3);
    const std::string name = b.rng.chance(0.5) ? person.surname_initials() : person.initials_surname();
    b.value(line_x1 + 14, base, key + ".name", name, st);
    if (b.rng.chance(p_sign)) {
      const cv::Rect area(line_x0 + 6, base - p.face.px * 2, line_x1 - line_x0 - 12, p.face.px * 2 + 8);
      const cv::Rect r = draw_signature(p, area);
      if (first_sig.empty()) first_sig = r;
      ++b.doc.signatures;
    }
    b.y = base + p.face.px * 2;
  }
  if (stamp_org && b.rng.chance(p_stamp)) {
    const int radius = static_cast<int>(p.width() * b.rng.uniform(0.075, 0.095));
    const int cx = b.left() + b.width() * 30 / 100 + static_cast<int>(b.rng.range(-20, 60));
    const int cy = std::min(b.y - radius / 2, p.height() - p.margin_bottom - radius - 4);
    std::string ring = stamp_org->is_ip() ? "Индивидуальный предприниматель " + stamp_org->head.full()
                                          : stamp_org->full_name;
    ring += " * г. " + stamp_org->address.city;
    const std::string centre = b.rng.chance(0.5) ? "ИНН " + stamp_org->inn
                                                 : (stamp_org->is_ip() ? "ОГРНИП " : "ОГРН ") + stamp_org->ogrn;
    draw_stamp(p, {cx, cy}, radius, ring, centre);
    ++b.doc.stamps;
  }
  b.gap(0.5);
}

void footer(DocBuilder& b, const std::string& text) {
  Page& p = b.page;
  TextStyle st = p.style(std::max(11, p.face.px - 6));
  st.color = cv::Scalar(90, 90, 90);
  const int y = p.height() - p.margin_bottom / 2;
  p.hline(b.left(), b.right(), y - st.px - 4, 1, cv::Scalar(150, 150, 150));
  p.text(b.left(), y, text, st, "footer");
}

Typeface pick_typeface(TextRenderer& r, const std::string& font_dir, Rng& rng, int page_width) {
  const auto& families = font_families();
  const FontFamily& f = families[rng.index(families.size())];
  Typeface t;
  t.family = f.name;
  t.regular = r.load(font_dir + "/" + f.regular);
  t.bold = r.load(font_dir + "/" + f.bold);
  t.italic = r.load(font_dir + "/" + f.italic);
  // Handwritten fills: an italic face of another family (no script fonts ship in these packages).
  static const char* hands[] = {"paratype/PTF56F.ttf", "dejavu/DejaVuSerif-Italic.ttf",
                                "liberation2/LiberationSerif-Italic.ttf", "freefont/FreeSerifItalic.ttf",
                                "paratype/PTS56F.ttf"};
  t.hand = r.load(font_dir + "/" + hands[rng.index(5)]);
  const int base = f.kind == FontKind::mono ? static_cast<int>(rng.range(17, 19))
                                            : static_cast<int>(rng.range(18, 22));
  t.px = base * page_width / 1240;
  return t;
}

}  // namespace vlmforge::synth
