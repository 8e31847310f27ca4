// Russian numerals and amounts in words ("сумма прописью") with correct declension:
// рубль / рубля / рублей, копейка / копейки / копеек, тысяча / тысячи / тысяч, миллион ...
#pragma once

#include <cstdint>
#include <string>

namespace vlmforge::synth {

enum class Gender { masculine, feminine };

// The form of a counted noun after `n`: 0 = "один рубль", 1 = "два рубля", 2 = "пять рублей".
int plural_form(int64_t n);
// Picks one of three forms by plural_form(n).
const std::string& plural(int64_t n, const std::string& one, const std::string& few,
                          const std::string& many);

// A non-negative integer in words, agreeing with a noun of `gender` (один/одна, два/две),
// lower case, e.g. 21 feminine -> "двадцать одна". Valid for n < 10^15.
std::string number_in_words(int64_t n, Gender gender = Gender::masculine);

// The form num2words (lang="ru", to="currency", currency="RUB") writes:
// "один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей, восемьдесят
// девять копеек". `kopecks` is the amount in kopecks (>= 0).
std::string amount_in_words(int64_t kopecks);

// The form used in Russian accounting documents: rubles in words with a capital first letter,
// kopecks in two digits: "Одна тысяча двести рублей 05 копеек".
std::string amount_in_words_document(int64_t kopecks);

// Upper-cases the first letter of a UTF-8 Russian string (Cyrillic or ASCII).
std::string capitalize_ru(const std::string& s);

}  // namespace vlmforge::synth
