// Russian value generators: control digits against real published requisites (valid) and their
// one-digit corruptions (invalid); amounts in words against hand-written expected strings;
// names, VAT arithmetic and dates.
#include <gtest/gtest.h>

#include <string>

#include "synth/values/amount_words.h"
#include "synth/values/catalog.h"
#include "synth/values/date.h"
#include "synth/values/money.h"
#include "synth/values/organization.h"
#include "synth/values/person.h"
#include "synth/values/requisites.h"

using namespace vlmforge::synth;

namespace {

// Every single-digit change of a valid number must be rejected by a mod-11/13 check only when
// the control digit changes the sum; we assert the common, deterministic case: changing the
// control digit itself always invalidates.
std::string bump_last(std::string s) {
  s.back() = static_cast<char>('0' + (s.back() - '0' + 1) % 10);
  return s;
}

}  // namespace

// Published requisites of real organisations (bank details pages of ПАО Сбербанк, Банк ВТБ,
// АО «Т-Банк», АО «Альфа-Банк», ООО «Яндекс»).
TEST(Requisites, RealInn10AreValid) {
  for (const char* inn : {"7707083893", "7702070139", "7710140679", "7728168971", "7736207543"}) {
    EXPECT_TRUE(valid_inn(inn)) << inn;
    EXPECT_FALSE(valid_inn(bump_last(inn))) << inn;
  }
  EXPECT_FALSE(valid_inn("7707083894"));
  EXPECT_FALSE(valid_inn("770708389"));    // too short
  EXPECT_FALSE(valid_inn("770708389A"));   // not digits
}

TEST(Requisites, Inn12ControlDigits) {
  // Worked example of the 12-digit algorithm from the FNS order (widely used in validators).
  EXPECT_TRUE(valid_inn("500100732259"));
  EXPECT_FALSE(valid_inn("500100732258"));
  EXPECT_FALSE(valid_inn("500100732269"));
}

TEST(Requisites, RealOgrnAreValid) {
  for (const char* ogrn : {"1027700132195", "1027739609391", "1027739642281", "1027700067328",
                           "1027700229193"}) {
    EXPECT_TRUE(valid_ogrn(ogrn)) << ogrn;
    EXPECT_FALSE(valid_ogrn(bump_last(ogrn))) << ogrn;
  }
  EXPECT_FALSE(valid_ogrn("102770013219"));
}

TEST(Requisites, OgrnipControlDigit) {
  // 14 leading digits mod 13, mod 10: 30450011600015 mod 13 = 7.
  EXPECT_TRUE(valid_ogrnip("304500116000157"));
  EXPECT_FALSE(valid_ogrnip("304500116000158"));
  EXPECT_FALSE(valid_ogrnip("104500116000157"));  // sign must be 3
}

TEST(Requisites, RealCorrAccountsMatchTheirBik) {
  // (БИК, корр. счёт) of Сбербанк, ВТБ, Т-Банк, Альфа-Банк.
  const std::pair<const char*, const char*> banks[] = {
      {"044525225", "30101810400000000225"},
      {"044525187", "30101810700000000187"},
      {"044525974", "30101810145250000974"},
      {"044525593", "30101810200000000593"}};
  for (const auto& [bik, corr] : banks) {
    EXPECT_TRUE(valid_bik(bik));
    EXPECT_TRUE(valid_account(corr, bik)) << corr;
    std::string bad = corr;
    bad[8] = static_cast<char>('0' + (bad[8] - '0' + 1) % 10);
    EXPECT_FALSE(valid_account(bad, bik)) << bad;
    // Accounts of the common pattern 30101 810 K 00000000 XXX are rebuilt exactly (Т-Банк's
    // has other middle digits).
    if (std::string(corr).substr(9, 8) == "00000000") {
      EXPECT_EQ(make_corr_account(bik), corr);
    }
    EXPECT_TRUE(valid_account(make_corr_account(bik), bik));
  }
}

TEST(Requisites, KppAndBikFormats) {
  EXPECT_TRUE(valid_kpp("773601001"));
  EXPECT_TRUE(valid_kpp("7736AB001"));
  EXPECT_FALSE(valid_kpp("77360100"));
  EXPECT_FALSE(valid_bik("144525225"));
  EXPECT_FALSE(valid_bik("04452522"));
}

TEST(Requisites, GeneratedOrganisationsAreValidAndConsistent) {
  Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    const Organization o = make_organization(rng);
    ASSERT_TRUE(valid_inn(o.inn)) << o.inn;
    ASSERT_TRUE(valid_bik(o.bank.bik)) << o.bank.bik;
    ASSERT_TRUE(valid_account(o.account, o.bank.bik)) << o.account << " " << o.bank.bik;
    ASSERT_TRUE(valid_account(o.bank.corr_account, o.bank.bik)) << o.bank.corr_account;
    ASSERT_EQ(o.bank.corr_account.substr(17), o.bank.bik.substr(6));
    if (o.is_ip()) {
      ASSERT_EQ(o.inn.size(), 12u);
      ASSERT_TRUE(valid_ogrnip(o.ogrn)) << o.ogrn;
      ASSERT_TRUE(o.kpp.empty());
      ASSERT_EQ(o.account.substr(0, 5), "40802");
    } else {
      ASSERT_EQ(o.inn.size(), 10u);
      ASSERT_TRUE(valid_ogrn(o.ogrn)) << o.ogrn;
      ASSERT_TRUE(valid_kpp(o.kpp)) << o.kpp;
      ASSERT_EQ(o.kpp.substr(0, 4), o.inn.substr(0, 4));
      ASSERT_EQ(o.account.substr(0, 5), "40702");
    }
    // Region of the address is the region of the ИНН and of the ОГРН.
    char region[3];
    std::snprintf(region, sizeof region, "%02d", o.address.region);
    ASSERT_EQ(o.inn.substr(0, 2), region);
    ASSERT_EQ(o.ogrn.substr(3, 2), region);
  }
}

TEST(AmountWords, HandWrittenCases) {
  EXPECT_EQ(amount_in_words(0), "ноль рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(100), "один рубль, ноль копеек");
  EXPECT_EQ(amount_in_words(200), "два рубля, ноль копеек");
  EXPECT_EQ(amount_in_words(500), "пять рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(1100), "одиннадцать рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(1200), "двенадцать рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(2100), "двадцать один рубль, ноль копеек");
  EXPECT_EQ(amount_in_words(10100), "сто один рубль, ноль копеек");
  EXPECT_EQ(amount_in_words(100000), "одна тысяча рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(200000), "две тысячи рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(500000), "пять тысяч рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(100000000), "один миллион рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(123456789),
            "один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей, "
            "восемьдесят девять копеек");
  EXPECT_EQ(amount_in_words(1), "ноль рублей, одна копейка");
  EXPECT_EQ(amount_in_words(2), "ноль рублей, две копейки");
  EXPECT_EQ(amount_in_words(2111), "двадцать один рубль, одиннадцать копеек");
  EXPECT_EQ(amount_in_words(2122), "двадцать один рубль, двадцать две копейки");
  EXPECT_EQ(amount_in_words(2100000), "двадцать одна тысяча рублей, ноль копеек");
  EXPECT_EQ(amount_in_words(1114000000), "одиннадцать миллионов сто сорок тысяч рублей, ноль копеек");
}

TEST(AmountWords, DocumentStyle) {
  EXPECT_EQ(amount_in_words_document(123456789),
            "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей "
            "89 копеек");
  EXPECT_EQ(amount_in_words_document(200001), "Две тысячи рублей 01 копейка");
  EXPECT_EQ(amount_in_words_document(0), "Ноль рублей 00 копеек");
  EXPECT_EQ(amount_in_words_document(10105), "Сто один рубль 05 копеек");
  EXPECT_EQ(amount_in_words_document(50022), "Пятьсот рублей 22 копейки");
}

TEST(AmountWords, PluralForms) {
  const std::string one = "рубль", few = "рубля", many = "рублей";
  EXPECT_EQ(plural(1, one, few, many), "рубль");
  EXPECT_EQ(plural(3, one, few, many), "рубля");
  EXPECT_EQ(plural(11, one, few, many), "рублей");
  EXPECT_EQ(plural(14, one, few, many), "рублей");
  EXPECT_EQ(plural(22, one, few, many), "рубля");
  EXPECT_EQ(plural(111, one, few, many), "рублей");
  EXPECT_EQ(plural(1001, one, few, many), "рубль");
}

TEST(Money, FormatsAndVatAddsUp) {
  EXPECT_EQ(format_money(123456789), "1 234 567,89");
  EXPECT_EQ(format_money(5), "0,05");
  EXPECT_EQ(format_money(100000, MoneyStyle::plain), "1000,00");
  EXPECT_EQ(format_money(100000, MoneyStyle::dotted), "1000.00");
  EXPECT_EQ(format_quantity(2500), "2,5");
  EXPECT_EQ(format_quantity(3000), "3");
  // 20% included in 1 200,00: VAT 200,00; 10% on top of 1 000,05: VAT 100,01 (100,005 rounded up).
  EXPECT_EQ(vat_included(120000, 20).vat, 20000);
  EXPECT_EQ(vat_on_top(100005, 10).vat, 10001);
  Rng rng(3);
  for (int i = 0; i < 10000; ++i) {
    const int rate = rng.pick(std::vector<int>{0, 10, 20});
    const int64_t x = rng.range(1, 100000000);
    const VatTotals a = vat_on_top(x, rate), b = vat_included(x, rate);
    ASSERT_EQ(a.net + a.vat, a.total);
    ASSERT_EQ(b.net + b.vat, b.total);
    // The included VAT is within half a kopeck of the exact rate share.
    ASSERT_LE(std::abs(b.vat * (100 + rate) - x * rate), (100 + rate) / 2 + 1);
  }
}

TEST(Persons, PatronymicsAndGenderAgree) {
  Rng rng(11);
  auto ends_with = [](const std::string& s, const std::string& suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  };
  for (int i = 0; i < 3000; ++i) {
    const Person p = make_person(rng);
    if (p.gender == Gender::masculine) {
      ASSERT_TRUE(ends_with(p.patronymic, "вич") || ends_with(p.patronymic, "ич")) << p.full();
      ASSERT_FALSE(ends_with(p.surname, "ова") || ends_with(p.surname, "ева") ||
                   ends_with(p.surname, "ина") || ends_with(p.surname, "ская"))
          << p.full();
    } else {
      ASSERT_TRUE(ends_with(p.patronymic, "вна") || ends_with(p.patronymic, "ична")) << p.full();
      ASSERT_FALSE(ends_with(p.surname, "ов") || ends_with(p.surname, "ев") ||
                   ends_with(p.surname, "ин") || ends_with(p.surname, "ский"))
          << p.full();
    }
  }
  Person p;
  p.surname = "Ильина";
  p.first_name = "Анна";
  p.patronymic = "Ильинична";
  EXPECT_EQ(p.surname_initials(), "Ильина А. И.");
  EXPECT_EQ(p.initials_surname(), "А. И. Ильина");
}

TEST(Dates, RoundTripAndFormats) {
  EXPECT_EQ((Date{1970, 1, 1}.days_since_epoch()), 0);
  EXPECT_EQ((Date{2024, 3, 1}.days_since_epoch() - Date{2024, 2, 28}.days_since_epoch()), 2);
  EXPECT_EQ((Date{2023, 3, 1}.days_since_epoch() - Date{2023, 2, 28}.days_since_epoch()), 1);
  const Date d{2024, 3, 5};
  EXPECT_EQ(format_date(d, DateStyle::dotted), "05.03.2024");
  EXPECT_EQ(format_date(d, DateStyle::dotted_short), "05.03.24");
  EXPECT_EQ(format_date(d, DateStyle::words), "5 марта 2024 г.");
  EXPECT_EQ(format_date(d, DateStyle::quoted_words), "«05» марта 2024 г.");
  EXPECT_EQ(format_date(d, DateStyle::iso), "2024-03-05");
  for (int64_t n = 17000; n < 21000; n += 7) ASSERT_EQ(Date::from_days(n).days_since_epoch(), n);
}

TEST(Catalog, AmountsAreQuantityTimesPrice) {
  Rng rng(5);
  for (int i = 0; i < 500; ++i) {
    for (const LineItem& it : make_items(rng, 6, i % 2 == 0)) {
      ASSERT_EQ(it.amount, div_round(it.quantity * it.price, 1000));
      ASSERT_GT(it.quantity, 0);
    }
  }
}
