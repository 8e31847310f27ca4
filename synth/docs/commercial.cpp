// Commercial documents with an item table: счет на оплату, счет-фактура, товарная накладная
// (ТОРГ-12-like) and акт выполненных работ.
#include <algorithm>

#include "synth/docs/types.h"
#include "synth/values/amount_words.h"

namespace vlmforge::synth {
namespace {

std::string doc_number(Rng& rng) {
  const double k = rng.uniform();
  if (k < 0.6) return std::to_string(rng.range(1, 2999));
  if (k < 0.8) return std::to_string(rng.range(1, 999)) + "/" + std::to_string(rng.range(1, 12));
  return "А-" + std::to_string(rng.range(100, 99999));
}

int pick_vat(Rng& rng) {
  const double k = rng.uniform();
  return k < 0.65 ? 20 : k < 0.8 ? 10 : 0;
}

DateStyle title_date_style(Rng& rng) {
  return rng.chance(0.5) ? DateStyle::dotted : (rng.chance(0.5) ? DateStyle::words : DateStyle::quoted_words);
}

void choose_money_style(DocBuilder& b) {
  const double k = b.rng.uniform();
  b.doc.money_style = k < 0.7 ? MoneyStyle::spaced : k < 0.85 ? MoneyStyle::plain : MoneyStyle::dotted;
}

}  // namespace

void build_invoice(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  choose_money_style(b);
  const Organization seller = make_organization(rng);
  const Organization buyer = make_organization(rng);
  const Date date = make_date(rng);
  const bool services = rng.chance(0.3);
  const auto items = make_items(rng, static_cast<int>(rng.range(1, 8)), services);
  if (layout == 0) {
    bank_box(b, seller, "seller");
    doc_title(b, "Счет на оплату", doc_number(rng), date, title_date_style(rng), false);
    b.page.hline(b.left(), b.right(), b.y - 6, 2);
    b.gap(0.3);
    party(b, "Поставщик:", seller, "seller", false);
    party(b, "Покупатель:", buyer, "buyer", false);
  } else if (layout == 1) {
    letterhead(b, seller, "seller");
    doc_title(b, "Счет на оплату", doc_number(rng), date, title_date_style(rng), true);
    party(b, "Плательщик:", buyer, "buyer", false);
    party(b, "Получатель платежа:", seller, "seller", true);
  } else {
    doc_title(b, "СЧЕТ", doc_number(rng), date, DateStyle::dotted, true, 10);
    party(b, "Исполнитель:", seller, "seller", true);
    party(b, "Заказчик:", buyer, "buyer", false);
  }
  b.gap(0.3);
  items_table(b, items, services, layout + static_cast<int>(rng.range(0, 3)));
  const int vat = pick_vat(rng);
  totals_block(b, vat, rng.chance(0.6));
  amount_words(b);
  if (rng.chance(0.7)) {
    const Date due = date.plus_days(rng.range(3, 30));
    b.doc.has_due_date = true;
    b.doc.due_date = due;
    b.spans({{"Счет действителен к оплате до", "text"}, {format_date(due, DateStyle::dotted), "doc.due_date"}});
  } else {
    b.doc.absent.push_back("doc.due_date");
  }
  b.gap(0.5);
  signatures(b, {{"Руководитель", seller.head}, {"Бухгалтер", seller.accountant}}, "signer", 0.85,
             &seller, 0.7);
  if (rng.chance(0.5)) footer(b, "Оплата данного счета означает согласие с условиями поставки товара.");
  b.doc.summary = "Счет на оплату № " + b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] +
                  ": поставщик " + seller.short_name + ", покупатель " + buyer.short_name + ", " +
                  std::to_string(items.size()) + " поз., итого " + b.doc.fields["total"] + " руб.";
}

void build_vat_invoice(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  choose_money_style(b);
  Page& p = b.page;
  const Organization seller = make_organization(rng);
  const Organization buyer = make_organization(rng);
  const Date date = make_date(rng);
  const auto items = make_items(rng, static_cast<int>(rng.range(1, 6)), false);
  const int vat = rng.chance(0.8) ? 20 : 10;
  if (layout == 1) {
    TextStyle st = p.style(std::max(11, p.face.px - 6));
    const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
    p.text(b.right() - p.measure("Приложение № 1 к постановлению Правительства РФ", st), b.y + asc,
           "Приложение № 1 к постановлению Правительства РФ", st, "header");
    b.y += p.line_height(st) * 2;
  }
  doc_title(b, "СЧЕТ-ФАКТУРА", std::to_string(rng.range(1, 9999)), date, title_date_style(rng), layout == 0);
  auto numbered = [&](const std::string& num, const std::string& label, const std::string& key,
                      const std::string& text) {
    b.spans({{label + (layout == 1 ? " " + num : "") + ":", "text"}, {text, key}}, std::max(12, p.face.px - 2));
  };
  numbered("(2)", "Продавец", "seller.name", seller.full_name);
  numbered("(2а)", "Адрес", "seller.address", seller.address.full());
  // "ИНН/КПП" is one printed token: the ИНН and the КПП regions both cover it.
  auto inn_kpp = [&](const std::string& num, const std::string& label, const Organization& o,
                     const std::string& role) {
    numbered(num, label, role + ".inn", o.is_ip() ? o.inn : o.inn + "/" + o.kpp);
    b.doc.fields[role + ".inn"] = o.inn;
    if (o.is_ip()) {
      b.doc.absent.push_back(role + ".kpp");
    } else {
      const Region r = p.regions.back();
      p.regions.push_back({r.box, role + ".kpp", r.text});
      b.doc.fields[role + ".kpp"] = o.kpp;
    }
  };
  inn_kpp("(2б)", "ИНН/КПП продавца", seller, "seller");
  numbered("(3)", "Грузоотправитель и его адрес", "shipper", rng.chance(0.5) ? "он же" : seller.short_name + ", " + seller.address.full());
  numbered("(4)", "Грузополучатель и его адрес", "consignee", buyer.short_name + ", " + buyer.address.full());
  numbered("(6)", "Покупатель", "buyer.name", buyer.full_name);
  numbered("(6а)", "Адрес", "buyer.address", buyer.address.full());
  inn_kpp("(6б)", "ИНН/КПП покупателя", buyer, "buyer");
  numbered("(7)", "Валюта: наименование, код", "currency", "Российский рубль, 643");
  b.gap(0.3);
  // Table: name | unit | qty | price | cost w/o VAT | rate | VAT | cost with VAT.
  b.doc.items = items;
  const MoneyStyle ms = b.doc.money_style;
  std::vector<TableColumn> cols{{"Наименование товара", 4.0, Align::left}, {"Ед. изм.", 0.9, Align::center},
                                {"Кол-во", 1.0, Align::right},          {"Цена за ед.", 1.4, Align::right},
                                {"Стоимость без налога", 1.6, Align::right}, {"Ставка", 0.9, Align::center},
                                {"Сумма налога", 1.4, Align::right},    {"Стоимость с налогом", 1.6, Align::right}};
  std::vector<std::vector<TableCell>> rows;
  int64_t net = 0, tax = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const LineItem& it = items[i];
    const std::string k = "items[" + std::to_string(i) + "]";
    const int64_t v = div_round(it.amount * vat, 100);
    net += it.amount;
    tax += v;
    std::vector<TableCell> r{{it.name, k + ".name"}, {it.unit, k + ".unit"},
                             {format_quantity(it.quantity), k + ".quantity"}, {format_money(it.price, ms), k + ".price"},
                             {format_money(it.amount, ms), k + ".amount"}, {vat_rate_text(vat), "text"},
                             {format_money(v, ms), k + ".vat"}, {format_money(it.amount + v, ms), k + ".total"}};
    for (const auto& c : r)
      if (c.label != "text") b.field(c.label, c.text);
    rows.push_back(r);
  }
  b.doc.has_totals = true;
  b.doc.vat_rate = vat;
  b.doc.totals = {net, tax, net + tax};
  rows.push_back({{"Всего к оплате", "text"}, {"", "text"}, {"", "text"}, {"", "text"},
                  {format_money(net, ms), "net"}, {"X", "text"}, {format_money(tax, ms), "vat"},
                  {format_money(net + tax, ms), "total"}});
  b.field("net", format_money(net, ms));
  b.field("vat", format_money(tax, ms));
  b.field("total", format_money(net + tax, ms));
  const TextStyle body = p.style(std::max(11, p.face.px - 4));
  const TextStyle head = p.style(std::max(11, p.face.px - 4), true);
  b.y = draw_table(p, b.left(), b.y, b.width(), cols, rows, body, head) + b.lh();
  signatures(b, {{"Руководитель организации", seller.head}, {"Главный бухгалтер", seller.accountant}},
             "signer", 0.8, nullptr, 0.0);
  b.doc.absent.push_back("doc.due_date");
  b.doc.summary = "Счет-фактура № " + b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] +
                  ": продавец " + seller.short_name + ", покупатель " + buyer.short_name + ", НДС " +
                  b.doc.fields["vat"] + ", всего " + b.doc.fields["total"] + " руб.";
}

void build_waybill(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  choose_money_style(b);
  Page& p = b.page;
  const Organization seller = make_organization(rng);
  const Organization buyer = make_organization(rng);
  const Date date = make_date(rng);
  const auto items = make_items(rng, static_cast<int>(rng.range(2, 8)), false);
  TextStyle small = p.style(std::max(11, p.face.px - 5));
  const int asc = p.renderer.measure(small.font, small.px, "Ag").ascent;
  p.text(b.right() - p.measure("Унифицированная форма № ТОРГ-12", small), b.y + asc,
         "Унифицированная форма № ТОРГ-12", small, "header");
  b.y += p.line_height(small) * 2;
  party(b, "Грузоотправитель:", seller, "seller", layout == 0);
  party(b, "Грузополучатель:", buyer, "buyer", false);
  b.spans({{"Основание:", "text"}, {"Договор № " + std::to_string(rng.range(1, 300)) + " от " +
                                        format_date(date.plus_days(-rng.range(20, 400)), DateStyle::dotted), "basis"}});
  b.gap(0.4);
  doc_title(b, "ТОВАРНАЯ НАКЛАДНАЯ", std::to_string(rng.range(1, 9999)), date, DateStyle::dotted, true, 4);
  items_table(b, items, false, layout * 2);
  totals_block(b, pick_vat(rng), layout == 0);
  amount_words(b);
  signatures(b, {{"Отпуск груза разрешил", seller.head}, {"Отпуск груза произвел", make_person(rng)},
                 {"Груз получил", buyer.head}}, "signer", 0.8, &seller, 0.6);
  b.doc.absent.push_back("doc.due_date");
  b.doc.summary = "Товарная накладная № " + b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] +
                  ": грузоотправитель " + seller.short_name + ", грузополучатель " + buyer.short_name + ", " +
                  std::to_string(items.size()) + " поз., итого " + b.doc.fields["total"] + " руб.";
}

void build_act(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  choose_money_style(b);
  const Organization seller = make_organization(rng);
  const Organization buyer = make_organization(rng);
  const Date date = make_date(rng);
  const auto items = make_items(rng, static_cast<int>(rng.range(1, 6)), true);
  if (layout == 2) letterhead(b, seller, "seller");
  const std::string title = layout == 1 ? "Акт об оказании услуг" : "Акт выполненных работ";
  doc_title(b, title, std::to_string(rng.range(1, 999)), date, title_date_style(rng), layout != 1);
  if (layout != 2) party(b, "Исполнитель:", seller, "seller", layout == 0);
  party(b, "Заказчик:", buyer, "buyer", false);
  b.gap(0.3);
  items_table(b, items, true, layout + 1);
  const int vat = pick_vat(rng);
  totals_block(b, vat, rng.chance(0.5));
  amount_words(b);
  b.spans({{"Вышеперечисленные работы (услуги) выполнены полностью и в срок. Заказчик претензий по "
            "объему, качеству и срокам оказания услуг не имеет.", "text"}});
  b.gap(0.6);
  // Two signature columns: executor | customer.
  Page& p = b.page;
  const TextStyle st = p.style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  const int col = b.width() / 2;
  const int top = b.y;
  for (int side = 0; side < 2; ++side) {
    const Organization& o = side == 0 ? seller : buyer;
    const int x = b.left() + side * col;
    p.text(x, top + asc, side == 0 ? "ИСПОЛНИТЕЛЬ" : "ЗАКАЗЧИК", p.style(0, true));
    const std::string key = "signer" + std::to_string(side);
    const int base = top + asc + b.lh() * 3;
    p.hline(x, x + col * 45 / 100, base + 3);
    b.value(x + col * 45 / 100 + 10, base, key + ".name", o.head.surname_initials(), st);
    if (rng.chance(0.85)) {
      draw_signature(p, cv::Rect(x + 4, base - p.face.px * 2, col * 40 / 100, p.face.px * 2 + 6));
      ++b.doc.signatures;
    }
    if (rng.chance(0.6)) {
      const int radius = static_cast<int>(p.width() * rng.uniform(0.07, 0.09));
      std::string ring = (o.is_ip() ? "Индивидуальный предприниматель " + o.head.full() : o.full_name) +
                         " * г. " + o.address.city;
      draw_stamp(p, {x + col / 3, base + radius / 2}, radius, ring, "ИНН " + o.inn);
      ++b.doc.stamps;
    }
  }
  b.y = top + b.lh() * 8;
  b.doc.absent.push_back("doc.due_date");
  b.doc.summary = title + " № " + b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] +
                  ": исполнитель " + seller.short_name + ", заказчик " + buyer.short_name + ", " +
                  std::to_string(items.size()) + " поз., итого " + b.doc.fields["total"] + " руб.";
}

}  // namespace vlmforge::synth
