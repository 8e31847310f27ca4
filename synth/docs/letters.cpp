// Text documents: доверенность, письмо / справка на бланке, заявление / анкета with handwritten
// fills.
#include "synth/docs/types.h"
#include "synth/values/amount_words.h"

namespace vlmforge::synth {
namespace {

std::string passport(Rng& rng) {
  return std::to_string(rng.range(10, 99)) + " " + std::to_string(rng.range(10, 99)) + " " +
         std::to_string(rng.range(100000, 999999));
}

}  // namespace

void build_power_of_attorney(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  const Organization org = make_organization(rng);
  const Organization supplier = make_organization(rng);
  const Person agent = make_person(rng);
  const Date date = make_date(rng);
  const Date until = date.plus_days(rng.range(10, 365));
  if (layout == 1) letterhead(b, org, "principal");
  doc_title(b, "ДОВЕРЕННОСТЬ", std::to_string(rng.range(1, 500)), date,
            layout == 0 ? DateStyle::words : DateStyle::dotted, true, 6);
  b.spans({{"г.", "text"}, {org.address.city, "city"}}, 0, Align::left);
  b.gap(0.4);
  std::vector<Span> s{{org.full_name, "principal.name"},
                      {", ИНН", "text"},
                      {org.inn, "principal.inn"},
                      {", в лице", "text"},
                      {rng.chance(0.5) ? "руководителя" : "директора", "text"},
                      {org.head.full(), "principal.head"},
                      {", настоящей доверенностью уполномочивает", "text"},
                      {agent.full(), "agent.name"},
                      {", паспорт", "text"},
                      {passport(rng), "agent.passport"},
                      {", получить от", "text"},
                      {supplier.short_name, "supplier.name"},
                      {"товарно-материальные ценности по счету №", "text"},
                      {std::to_string(rng.range(1, 3000)), "invoice_number"},
                      {".", "text"}};
  b.spans(s);
  b.doc.has_due_date = true;
  b.doc.due_date = until;
  b.spans({{"Доверенность действительна до", "text"}, {format_date(until, DateStyle::dotted), "doc.due_date"},
           {"без права передоверия.", "text"}});
  b.gap(0.5);
  Page& p = b.page;
  const TextStyle st = p.style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  p.text(b.left(), b.y + asc, "Подпись лица, получившего доверенность", st);
  p.hline(b.left() + p.measure("Подпись лица, получившего доверенность", st) + 20,
          b.right() - b.width() / 4, b.y + asc + 3);
  if (rng.chance(0.8)) {
    draw_signature(p, cv::Rect(b.left() + p.measure("Подпись лица, получившего доверенность", st) + 30,
                               b.y - p.face.px / 2, b.width() / 5, p.face.px * 2));
    ++b.doc.signatures;
  }
  b.y += b.lh() * 2;
  signatures(b, {{"Руководитель", org.head}, {"Главный бухгалтер", org.accountant}}, "signer", 0.85, &org, 0.75);
  if (org.is_ip()) b.doc.absent.push_back("principal.kpp");
  b.doc.summary = "Доверенность № " + b.doc.fields["doc.number"] + " от " + b.doc.fields["doc.date"] +
                  ", выдана " + org.short_name + " на имя " + agent.full() + ", действительна до " +
                  b.doc.fields["doc.due_date"] + ".";
}

void build_letter(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  Page& p = b.page;
  const Organization org = make_organization(rng);
  const Organization addressee = make_organization(rng);
  const Person employee = make_person(rng);
  const Date date = make_date(rng);
  letterhead(b, org, "sender");
  const std::string number = std::to_string(rng.range(1, 999)) + "-" + std::to_string(rng.range(1, 99));
  b.doc.has_date = true;
  b.doc.date = date;
  const TextStyle st = p.style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  // Outgoing number and date on the left, addressee block on the right.
  const int top = b.y;
  int x = p.labeled(b.left(), top + asc, "Исх. №", number, "doc.number", st);
  b.field("doc.number", number);
  x = p.labeled(x + 8, top + asc, "от", format_date(date, DateStyle::dotted), "doc.date", st);
  b.field("doc.date", format_date(date, DateStyle::dotted));
  if (layout != 0) {
    const int ax = b.left() + b.width() * 55 / 100;
    b.y = top;
    b.spans({{rng.chance(0.5) ? "Генеральному директору" : "Руководителю", "text"},
             {addressee.short_name, "addressee.name"}}, 0, Align::left, ax, b.right() - ax);
    const Person& h = addressee.head;
    b.spans({{h.surname_initials(), "addressee.head"}}, 0, Align::left, ax, b.right() - ax);
  } else {
    b.y = top + b.lh() * 2;
  }
  b.gap(1.0);
  std::string title;
  std::vector<Span> body;
  if (layout == 0) {
    title = "СПРАВКА";
    const int64_t salary = rng.range(35000, 250000) * 100;
    body = {{"Дана", "text"}, {employee.full(), "employee.name"},
            {employee.gender == Gender::masculine ? "в том, что он действительно работает в" : "в том, что она действительно работает в", "text"},
            {org.short_name, "text"}, {"в должности", "text"}, {make_position(rng), "employee.position"},
            {"с", "text"}, {format_date(date.plus_days(-rng.range(100, 3000)), DateStyle::dotted), "employee.since"},
            {"по настоящее время. Средняя заработная плата за последние шесть месяцев составляет", "text"},
            {format_money(salary), "employee.salary"}, {"руб.", "text"},
            {"Справка выдана для предоставления по месту требования.", "text"}};
  } else if (layout == 1) {
    title = "ГАРАНТИЙНОЕ ПИСЬМО";
    const int64_t amount = rng.range(10000, 3000000) * 100 + rng.range(0, 99);
    body = {{org.short_name, "text"}, {"гарантирует оплату задолженности в размере", "text"},
            {format_money(amount), "debt.amount"}, {"(" + amount_in_words_document(amount) + ")", "debt.words"},
            {"по договору №", "text"}, {std::to_string(rng.range(1, 900)), "contract.number"},
            {"в срок до", "text"}, {format_date(date.plus_days(rng.range(10, 90)), DateStyle::dotted), "doc.due_date"},
            {".", "text"}};
  } else {
    title = "ИНФОРМАЦИОННОЕ ПИСЬМО";
    body = {{"Настоящим сообщаем, что с", "text"},
            {format_date(date.plus_days(rng.range(5, 60)), DateStyle::words), "change.date"},
            {"изменились банковские реквизиты", "text"}, {org.short_name, "text"},
            {". Новый расчетный счет:", "text"}, {org.account, "sender.account"},
            {"в", "text"}, {org.bank.name, "sender.bank"}, {", БИК", "text"}, {org.bank.bik, "sender.bik"},
            {", корр. счет", "text"}, {org.bank.corr_account, "sender.corr_account"},
            {". Просим использовать новые реквизиты при оплате.", "text"}};
  }
  b.spans({{title, "doc.title", true}}, p.face.px + 4, Align::center);
  b.gap(0.4);
  b.spans(body);
  if (layout != 1) b.doc.absent.push_back("doc.due_date");
  b.gap(1.0);
  signatures(b, {{make_position(rng), org.head}}, "signer", 0.85, &org, 0.6);
  if (rng.chance(0.6)) footer(b, org.short_name + " | " + org.phone + " | " + org.email);
  b.doc.summary = (layout == 0 ? "Справка с места работы" : layout == 1 ? "Гарантийное письмо" : "Информационное письмо") +
                  std::string(" ") + org.short_name + " исх. № " + number + " от " + b.doc.fields["doc.date"] + ".";
}

void build_application(DocBuilder& b, int layout) {
  Rng& rng = b.rng;
  Page& p = b.page;
  const Organization org = make_organization(rng);
  const Person person = make_person(rng);
  const Date date = make_date(rng);
  const Date birth = Date{static_cast<int>(rng.range(1960, 2003)), static_cast<int>(rng.range(1, 12)),
                          static_cast<int>(rng.range(1, 28))};
  const Address addr = make_address(rng);
  // Header: to whom, from whom (right column).
  const int ax = b.left() + b.width() * 50 / 100;
  b.spans({{rng.chance(0.5) ? "Генеральному директору" : "Директору", "text"}, {org.short_name, "org.name"}},
          0, Align::left, ax, b.right() - ax);
  b.spans({{org.head.surname_initials(), "org.head"}}, 0, Align::left, ax, b.right() - ax);
  b.gap(1.0);
  const std::string title = layout == 0 ? "ЗАЯВЛЕНИЕ" : "АНКЕТА СОИСКАТЕЛЯ";
  b.spans({{title, "doc.title", true}}, p.face.px + 4, Align::center);
  b.gap(0.5);
  // Form: printed labels with ruled lines, values in handwriting.
  const TextStyle st = p.style();
  const TextStyle hand = p.hand_style();
  const int asc = p.renderer.measure(st.font, st.px, "Ag").ascent;
  const std::string position = make_position(rng);
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> rows = {
      {"Фамилия", {"applicant.surname", person.surname}},
      {"Имя", {"applicant.first_name", person.first_name}},
      {"Отчество", {"applicant.patronymic", person.patronymic}},
      {"Дата рождения", {"applicant.birth_date", format_date(birth, DateStyle::dotted)}},
      {"Адрес регистрации", {"applicant.address", addr.full()}},
      {"Телефон", {"applicant.phone", "+7 9" + std::to_string(rng.range(10, 99)) + " " +
                                       std::to_string(rng.range(100, 999)) + "-" +
                                       std::to_string(rng.range(10, 99)) + "-" + std::to_string(rng.range(10, 99))}},
      {layout == 0 ? "Прошу принять меня на должность" : "Желаемая должность", {"applicant.position", position}}};
  if (layout == 1) {
    rows.push_back({"Образование", {"applicant.education", rng.chance(0.6) ? "высшее" : "среднее специальное"}});
    rows.push_back({"Стаж работы, лет", {"applicant.experience", std::to_string(rng.range(0, 30))}});
  }
  // Some optional fields left blank: questions about them are answered "не указано".
  const size_t blank = rng.chance(0.3) ? static_cast<size_t>(rng.range(5, static_cast<int64_t>(rows.size()) - 1)) : rows.size();
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& [label, kv] = rows[i];
    const int lw = p.measure(label + ":", st);
    const int line_x = b.left() + std::max(lw + 16, b.width() * 35 / 100);
    const int base = b.y + asc + 6;
    p.text(b.left(), base, label + ":", st);
    p.hline(line_x, b.right(), base + 4, 1, cv::Scalar(80, 80, 80));
    if (i == blank) {
      b.doc.absent.push_back(kv.first);
    } else {
      const cv::Rect box(line_x + 6, b.y - 4, b.right() - line_x - 12, base + 2 - (b.y - 4));
      b.field(kv.first, kv.second);
      p.text_in_box(box, kv.second, hand, Align::left, kv.first);
    }
    b.y += static_cast<int>(b.lh() * 1.9);
  }
  b.gap(0.5);
  b.doc.has_date = true;
  b.doc.date = date;
  const int base = b.y + asc;
  p.text(b.left(), base, "Дата:", st);
  b.field("doc.date", format_date(date, DateStyle::dotted));
  p.text(b.left() + p.measure("Дата: ", st) + 6, base, format_date(date, DateStyle::dotted), hand, "doc.date");
  p.text(b.left() + b.width() / 2, base, "Подпись:", st);
  if (rng.chance(0.85)) {
    draw_signature(p, cv::Rect(b.left() + b.width() / 2 + p.measure("Подпись: ", st) + 6, base - p.face.px * 2,
                               b.width() / 5, p.face.px * 2 + 6));
    ++b.doc.signatures;
  }
  b.y = base + b.lh() * 2;
  b.doc.absent.push_back("doc.number");
  b.doc.summary = (layout == 0 ? "Заявление о приеме на работу" : "Анкета соискателя") + std::string(", заполнено от руки: ") +
                  person.full() + ", должность: " + position + ".";
}

}  // namespace vlmforge::synth
