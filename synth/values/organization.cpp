#include "synth/values/organization.h"

#include <vector>

#include "synth/values/requisites.h"

namespace vlmforge::synth {
namespace {

struct City {
  const char* name;
  int region;      // tax region code (first two digits of ИНН)
  int post_from;   // postcodes of the city are post_from .. post_from + post_span
  int post_span;
  const char* phone_code;
};
const std::vector<City> kCities = {
    {"Москва", 77, 101000, 28000, "495"},        {"Санкт-Петербург", 78, 190000, 8000, "812"},
    {"Новосибирск", 54, 630000, 130, "383"},      {"Екатеринбург", 66, 620000, 150, "343"},
    {"Казань", 16, 420000, 140, "843"},           {"Нижний Новгород", 52, 603000, 160, "831"},
    {"Самара", 63, 443000, 125, "846"},           {"Омск", 55, 644000, 125, "3812"},
    {"Ростов-на-Дону", 61, 344000, 120, "863"},   {"Уфа", 2, 450000, 110, "347"},
    {"Красноярск", 24, 660000, 135, "391"},       {"Пермь", 59, 614000, 110, "342"},
    {"Воронеж", 36, 394000, 90, "473"},           {"Волгоград", 34, 400000, 135, "8442"},
    {"Краснодар", 23, 350000, 90, "861"},         {"Тюмень", 72, 625000, 60, "3452"},
    {"Ярославль", 76, 150000, 65, "4852"},        {"Тула", 71, 300000, 60, "4872"},
    {"Иркутск", 38, 664000, 80, "3952"},          {"Хабаровск", 27, 680000, 55, "4212"}};

const std::vector<const char*> kStreets = {
    "Ленина",    "Мира",       "Советская",     "Гагарина",  "Садовая",     "Лесная",
    "Школьная",  "Центральная", "Молодежная",   "Пушкина",   "Заводская",   "Кирова",
    "Октябрьская", "Чехова",   "Комсомольская", "Строителей", "Профсоюзная", "Тверская",
    "Московская", "Первомайская", "Полевая",    "Луговая",   "Новая",       "Зеленая"};
const std::vector<const char*> kStreetKinds = {"ул.", "ул.", "ул.", "пр-т", "пер.", "б-р", "ш."};

const std::vector<const char*> kBrandRoots = {
    "Вектор", "Альянс", "Гранит", "Партнер", "Меридиан", "Орион", "Сфера", "Импульс",
    "Ресурс", "Капитал", "Стандарт", "Прогресс", "Восток", "Кристалл", "Атлант", "Гарант",
    "Зенит", "Квант", "Кедр", "Север", "Монолит", "Эталон", "Феникс", "Горизонт", "Магистраль",
    "Спектр", "Триумф", "Успех", "Аврора", "Парус", "Континент", "Рубин", "Олимп", "Лидер"};
const std::vector<const char*> kBrandPrefixes = {"Техно", "Строй", "Агро", "Пром", "Энерго",
                                                 "Торг",  "Инвест", "Транс", "Мед", "Эко"};
const std::vector<const char*> kBrandSuffixes = {"Сервис", "Трейд", "Снаб", "Комплект",
                                                 "Групп",  "Маркет", "Логистик", "Проект"};

const std::vector<std::pair<const char*, const char*>> kBanks = {
    {"ПАО «Сбербанк»", "Сбербанк"}, {"Банк ВТБ (ПАО)", "ВТБ"},
    {"АО «Альфа-Банк»", "Альфа"},   {"АО «Т-Банк»", "Т-Банк"},
    {"ПАО «Промсвязьбанк»", "ПСБ"}, {"АО «Райффайзенбанк»", "Райф"},
    {"ПАО Банк «ФК Открытие»", "Открытие"}, {"АО «Россельхозбанк»", "РСХБ"},
    {"ПАО «Совкомбанк»", "Совкомбанк"}, {"Банк ГПБ (АО)", "Газпромбанк"}};

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng.range(0, 9));
  return s;
}

std::string latin_slug(Rng& rng) {
  return rng.pick({"vector", "alyans", "granit", "partner", "orion", "sfera", "resurs", "zenit",
                   "kvant", "sever", "etalon", "lider", "profit", "market", "servis", "stroy"});
}

}  // namespace

std::string Address::full() const {
  std::string s = postcode + ", г. " + city + ", " + street + ", " + building;
  if (!office.empty()) s += ", " + office;
  return s;
}

Address make_address(Rng& rng) {
  const City& c = rng.pick(kCities);
  Address a;
  a.region = c.region;
  a.city = c.name;
  a.postcode = std::to_string(c.post_from + rng.range(0, c.post_span));
  a.street = std::string(rng.pick(kStreetKinds)) + " " + rng.pick(kStreets);
  a.building = "д. " + std::to_string(rng.range(1, 180));
  if (rng.chance(0.25)) a.building += ", корп. " + std::to_string(rng.range(1, 6));
  if (rng.chance(0.4)) {
    a.office = std::string(rng.chance(0.5) ? "оф. " : "пом. ") + std::to_string(rng.range(1, 450));
  }
  return a;
}

std::string make_brand(Rng& rng) {
  const double k = rng.uniform();
  if (k < 0.5) return rng.pick(kBrandRoots);
  if (k < 0.75) return std::string(rng.pick(kBrandPrefixes)) + rng.pick(kBrandSuffixes);
  return std::string(rng.pick(kBrandPrefixes)) + "-" + rng.pick(kBrandRoots);
}

Organization make_organization(Rng& rng) {
  Organization o;
  const double k = rng.uniform();
  o.opf = k < 0.55 ? "ООО" : k < 0.72 ? "АО" : k < 0.8 ? "ПАО" : "ИП";
  o.address = make_address(rng);
  const int region = o.address.region;
  const int year = static_cast<int>(rng.range(2, 23));
  o.head = make_person(rng);
  if (o.is_ip()) {
    o.short_name = "ИП " + o.head.surname_initials();
    o.full_name = "Индивидуальный предприниматель " + o.head.full();
    o.inn = make_inn12(rng, region);
    o.ogrn = make_ogrnip(rng, region, year);
    o.accountant = o.head;
  } else {
    const std::string brand = make_brand(rng);
    o.short_name = o.opf + " «" + brand + "»";
    const char* long_opf = o.opf == "ООО"   ? "Общество с ограниченной ответственностью"
                           : o.opf == "АО" ? "Акционерное общество"
                                           : "Публичное акционерное общество";
    o.full_name = std::string(long_opf) + " «" + brand + "»";
    o.inn = make_inn10(rng, region);
    o.kpp = make_kpp(rng, o.inn);
    o.ogrn = make_ogrn(rng, region, year);
    o.accountant = make_person(rng);
  }
  const auto& bank = rng.pick(kBanks);
  o.bank.name = bank.first;
  o.bank.bik = make_bik(rng, region);
  o.bank.corr_account = make_corr_account(o.bank.bik);
  o.account = make_settlement_account(rng, o.bank.bik, o.is_ip() ? "40802" : "40702");
  const City* city = &kCities[0];
  for (const auto& c : kCities)
    if (o.address.city == c.name) city = &c;
  const std::string code = city->phone_code;
  const std::string local = digits(rng, 10 - static_cast<int>(code.size()));
  o.phone = "+7 (" + code + ") " + local.substr(0, local.size() - 4) + "-" +
            local.substr(local.size() - 4, 2) + "-" + local.substr(local.size() - 2);
  o.email = std::string(rng.pick({"info", "office", "buh", "sales", "mail"})) + "@" +
            latin_slug(rng) + std::string(rng.pick({".ru", ".ru", ".com", ".рф"}));
  if (o.email.find(".рф") != std::string::npos) o.email.replace(o.email.find(".рф"), 5, ".ru");
  return o;
}

}  // namespace vlmforge::synth
