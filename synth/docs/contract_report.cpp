// Договор (first page) and табличный отчет.
#include "synth/docs/types.h"
#include "synth/values/amount_words.h"

namespace vlmforge::synth {

void build_contract(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  const Organization seller = make_organization(rng);
  const Organization buyer = make_organization(rng);
  const Date date = make_date(rng);
  const bool supply = layout == 0;
  const std::string kind = supply ? "ДОГОВОР ПОСТАВКИ" : "ДОГОВОР ОКАЗАНИЯ УСЛУГ";
  doc_title(b, kind, std::to_string(rng.range(1, 999)) + (rng.chance(0.4) ? "/" + std::to_string(date.year % 100) : ""),
            date, DateStyle::dotted, true, 4);
  Page& p = b.page;
  const TextStyle st = p.style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  p.text(b.left(), b.y + asc, "г. " + seller.address.city, st, "city");
  const std::string d = format_date(date, DateStyle::quoted_words);
  p.text(b.right() - p.measure(d, st), b.y + asc, d, st, "text");
  b.field("city", "г. " + seller.address.city);
  b.y += b.lh() * 2;
  const std::string role_s = supply ? "Поставщик" : "Исполнитель", role_b = supply ? "Покупатель" : "Заказчик";
  auto in_person = [](const Organization& o) {
    return o.is_ip() ? std::string(", действующий на основании свидетельства ОГРНИП ") + o.ogrn
                     : ", в лице генерального директора " + o.head.full() + ", действующего на основании Устава";
  };
  b.spans({{seller.full_name, "seller.name"}, {"(ИНН", "text"}, {seller.inn, "seller.inn"}, {")", "text"},
           {in_person(seller) + ", именуемое в дальнейшем «" + role_s + "», с одной стороны, и", "text"},
           {buyer.full_name, "buyer.name"}, {"(ИНН", "text"}, {buyer.inn, "buyer.inn"}, {")", "text"},
           {in_person(buyer) + ", именуемое в дальнейшем «" + role_b + "», с другой стороны, заключили "
            "настоящий договор о нижеследующем:", "text"}});
  b.gap(0.4);
  const int64_t price = rng.range(50000, 5000000) * 100;
  const int vat = rng.chance(0.7) ? 20 : 0;
  b.doc.has_totals = true;
  b.doc.vat_rate = vat;
  b.doc.totals = vat_included(price, vat);
  b.doc.money_style = MoneyStyle::spaced;
  const int days = static_cast<int>(rng.range(5, 60));
  b.spans({{"1. ПРЕДМЕТ ДОГОВОРА", "text", true}}, 0, Align::center);
  b.spans({{"1.1. " + role_s + " обязуется " + (supply ? "передать в собственность Покупателя товар, а Покупатель "
            "обязуется принять и оплатить его" : "оказать Заказчику услуги, а Заказчик обязуется принять и оплатить их") +
            " на условиях настоящего договора.", "text"}});
  b.spans({{"2. ЦЕНА И ПОРЯДОК РАСЧЕТОВ", "text", true}}, 0, Align::center);
  std::vector<Span> price_spans{{"2.1. Цена договора составляет", "text"}, {format_money(price), "total"},
                                {"(" + amount_in_words_document(price) + ")", "amount_words"}};
  if (vat == 0) {
    price_spans.push_back({", НДС не облагается.", "text"});
    b.field("vat", "НДС не облагается");
  } else {
    price_spans.push_back({", в том числе НДС 20% —", "text"});
    price_spans.push_back({format_money(b.doc.totals.vat), "vat"});
    price_spans.push_back({"руб.", "text"});
  }
  b.spans(price_spans);
  b.spans({{"2.2. Оплата производится в течение", "text"}, {std::to_string(days), "payment_days"},
           {"банковских дней с момента подписания акта.", "text"}});
  b.spans({{"3. СРОК ДЕЙСТВИЯ ДОГОВОРА", "text", true}}, 0, Align::center);
  const Date until{date.year + 1, 12, 31};
  b.doc.has_due_date = true;
  b.doc.due_date = until;
  b.spans({{"3.1. Договор вступает в силу с момента подписания и действует до", "text"},
           {format_date(until, DateStyle::dotted), "doc.due_date"}, {".", "text"}});
  b.gap(0.6);
  // Two columns of requisites.
  const int col = b.width() / 2 - 10;
  const int top = b.y;
  int bottom = top;
  for (int side = 0; side < 2; ++side) {
    const Organization& o = side == 0 ? seller : buyer;
    const std::string role = side == 0 ? "seller" : "buyer";
    b.y = top;
    const int x = b.left() + side * (col + 20);
    b.spans({{side == 0 ? role_s : role_b, "text", true}}, 0, Align::left, x, col);
    std::vector<Span> s{{o.short_name, "text"}, {o.address.full(), role + ".address"}, {"р/с", "text"},
                        {o.account, role + ".account"}, {"БИК", "text"}, {o.bank.bik, role + ".bik"}};
    if (!o.is_ip()) {
      s.push_back({"КПП", "text"});
      s.push_back({o.kpp, role + ".kpp"});
    } else {
      b.doc.absent.push_back(role + ".kpp");
    }
    b.spans(s, std::max(12, p.face.px - 3), Align::left, x, col);
    const int base = b.y + asc + p.face.px;
    p.hline(x, x + col / 2, base + 3);
    b.value(x + col / 2 + 8, base, "signer" + std::to_string(side) + ".name", o.head.surname_initials(), st);
    if (rng.chance(0.5)) {
      draw_signature(p, cv::Rect(x + 4, base - p.face.px * 2, col / 2 - 8, p.face.px * 2 + 6));
      ++b.doc.signatures;
    }
    bottom = std::max(bottom, base + b.lh());
  }
  b.y = bottom;
  footer(b, "Страница 1 из " + std::to_string(rng.range(2, 6)));
  b.doc.summary = (supply ? "Договор поставки" : "Договор оказания услуг") + std::string(" № ") +
                  b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] + " между " + seller.short_name +
                  " и " + buyer.short_name + " на сумму " + b.doc.fields["total"] + " руб. (первая страница).";
}

void build_report(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  Page& p = b.page;
  const Organization org = make_organization(rng);
  const Date date = make_date(rng);
  b.doc.money_style = MoneyStyle::spaced;
  letterhead(b, org, "org");
  static const char* months[] = {"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль",
                                 "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"};
  static const char* branches[] = {"Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург",
                                   "Самара", "Пермь", "Воронеж", "Краснодар", "Уфа"};
  const std::string title = layout == 0 ? "Отчет о выручке по месяцам за " + std::to_string(date.year) + " год"
                                        : "Отчет о продажах по филиалам";
  b.spans({{title, "doc.title", true}}, p.face.px + 4, Align::center);
  b.doc.has_date = true;
  b.doc.date = date;
  b.spans({{"Дата составления:", "text"}, {format_date(date, DateStyle::dotted), "doc.date"}}, 0, Align::center);
  b.gap(0.3);
  const int n = layout == 0 ? static_cast<int>(rng.range(3, 12)) : static_cast<int>(rng.range(3, 10));
  std::vector<LineItem> rows;
  std::vector<std::vector<TableCell>> cells;
  int64_t total = 0;
  for (int i = 0; i < n; ++i) {
    LineItem it;
    it.name = layout == 0 ? months[i] : std::string("Филиал в г. ") + branches[i];
    it.quantity = 1000;
    it.price = rng.range(100000, 9000000) * 100;
    it.amount = it.price;
    const int64_t plan = it.amount * rng.range(80, 120) / 100 / 100 * 100;
    const std::string k = "items[" + std::to_string(i) + "]";
    cells.push_back({{std::to_string(i + 1), "text"}, {it.name, k + ".name"},
                     {format_money(plan), k + ".plan"}, {format_money(it.amount), k + ".amount"},
                     {std::to_string(div_round(it.amount * 100, plan)) + "%", k + ".percent"}});
    for (const auto& c : cells.back())
      if (c.label != "text") b.field(c.label, c.text);
    total += it.amount;
    rows.push_back(it);
  }
  b.doc.items = rows;
  b.doc.has_totals = true;
  b.doc.vat_rate = 0;
  b.doc.totals = {total, 0, total};
  cells.push_back({{"", "text"}, {"Итого", "text"}, {"", "text"}, {format_money(total), "total"}, {"", "text"}});
  b.field("total", format_money(total));
  const std::vector<TableColumn> cols{{"№", 0.5, Align::center},
                                      {layout == 0 ? "Месяц" : "Филиал", 3.0, Align::left},
                                      {"План, руб.", 2.0, Align::right},
                                      {"Факт, руб.", 2.0, Align::right},
                                      {"Выполнение", 1.3, Align::right}};
  b.y = draw_table(p, b.left(), b.y, b.width(), cols, cells, p.style(std::max(12, p.face.px - 2)),
                   p.style(std::max(12, p.face.px - 2), true)) + b.lh();
  signatures(b, {{"Финансовый директор", make_person(rng)}}, "signer", 0.7, nullptr, 0.0);
  b.doc.absent.push_back("doc.number");
  b.doc.absent.push_back("doc.due_date");
  b.doc.summary = title + " " + org.short_name + ": " + std::to_string(n) + " строк, итого " +
                  b.doc.fields["total"] + " руб.";
}

}  // namespace vlmforge::synth
