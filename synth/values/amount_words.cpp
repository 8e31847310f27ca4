#include "synth/values/amount_words.h"

#include <array>
#include <vector>

namespace vlmforge::synth {
namespace {

const std::array<const char*, 20> kUnitsMasc = {
    "ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
    "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
const std::array<const char*, 10> kTens = {"",         "",           "двадцать",  "тридцать",
                                           "сорок",    "пятьдесят",  "шестьдесят", "семьдесят",
                                           "восемьдесят", "девяносто"};
const std::array<const char*, 10> kHundreds = {"",          "сто",       "двести",   "триста",
                                               "четыреста", "пятьсот",   "шестьсот", "семьсот",
                                               "восемьсот", "девятьсот"};

struct Scale {
  Gender gender;
  const char *one, *few, *many;
};
// Index k names 1000^k; тысяча is feminine ("две тысячи"), the rest masculine.
const std::array<Scale, 5> kScales = {{{Gender::masculine, "", "", ""},
                                       {Gender::feminine, "тысяча", "тысячи", "тысяч"},
                                       {Gender::masculine, "миллион", "миллиона", "миллионов"},
                                       {Gender::masculine, "миллиард", "миллиарда", "миллиардов"},
                                       {Gender::masculine, "триллион", "триллиона", "триллионов"}}};

// Words of 1..999 appended to `out`.
void triple_words(int n, Gender g, std::vector<std::string>& out) {
  if (n >= 100) out.emplace_back(kHundreds[n / 100]);
  n %= 100;
  if (n >= 20) {
    out.emplace_back(kTens[n / 10]);
    n %= 10;
  }
  if (n == 0) return;
  if (g == Gender::feminine && n == 1) {
    out.emplace_back("одна");
  } else if (g == Gender::feminine && n == 2) {
    out.emplace_back("две");
  } else {
    out.emplace_back(kUnitsMasc[n]);
  }
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += ' ';
    s += w;
  }
  return s;
}

}  // namespace

int plural_form(int64_t n) {
  const int64_t mod100 = n % 100, mod10 = n % 10;
  if (mod100 >= 11 && mod100 <= 14) return 2;
  if (mod10 == 1) return 0;
  if (mod10 >= 2 && mod10 <= 4) return 1;
  return 2;
}

const std::string& plural(int64_t n, const std::string& one, const std::string& few,
                          const std::string& many) {
  switch (plural_form(n)) {
    case 0: return one;
    case 1: return few;
    default: return many;
  }
}

std::string number_in_words(int64_t n, Gender gender) {
  if (n == 0) return kUnitsMasc[0];
  std::array<int, kScales.size()> triples{};
  for (size_t k = 0; k < triples.size(); ++k) {
    triples[k] = static_cast<int>(n % 1000);
    n /= 1000;
  }
  std::vector<std::string> words;
  for (size_t k = triples.size(); k-- > 0;) {
    const int t = triples[k];
    if (t == 0) continue;
    triple_words(t, k == 0 ? gender : kScales[k].gender, words);
    if (k > 0) words.emplace_back(plural(t, kScales[k].one, kScales[k].few, kScales[k].many));
  }
  return join(words);
}

std::string amount_in_words(int64_t kopecks) {
  const int64_t rub = kopecks / 100, kop = kopecks % 100;
  return number_in_words(rub, Gender::masculine) + " " +
         plural(rub, "рубль", "рубля", "рублей") + ", " +
         number_in_words(kop, Gender::feminine) + " " +
         plural(kop, "копейка", "копейки", "копеек");
}

std::string amount_in_words_document(int64_t kopecks) {
  const int64_t rub = kopecks / 100, kop = kopecks % 100;
  std::string s = capitalize_ru(number_in_words(rub, Gender::masculine)) + " " +
                  plural(rub, "рубль", "рубля", "рублей") + " ";
  s += static_cast<char>('0' + kop / 10);
  s += static_cast<char>('0' + kop % 10);
  return s + " " + plural(kop, "копейка", "копейки", "копеек");
}

std::string capitalize_ru(const std::string& s) {
  if (s.empty()) return s;
  const auto c0 = static_cast<unsigned char>(s[0]);
  if (c0 < 0x80) {
    std::string r = s;
    if (c0 >= 'a' && c0 <= 'z') r[0] = static_cast<char>(c0 - 32);
    return r;
  }
  if (s.size() < 2) return s;
  // UTF-8 Cyrillic: а..п = D0 B0..BF -> А..П = D0 90..9F; р..я = D1 80..8F -> Р..Я = D0 A0..AF;
  // ё = D1 91 -> Ё = D0 81.
  const auto c1 = static_cast<unsigned char>(s[1]);
  std::string r = s;
  if (c0 == 0xD0 && c1 >= 0xB0 && c1 <= 0xBF) {
    r[1] = static_cast<char>(c1 - 0x20);
  } else if (c0 == 0xD1 && c1 >= 0x80 && c1 <= 0x8F) {
    r[0] = static_cast<char>(0xD0);
    r[1] = static_cast<char>(c1 + 0x20);
  } else if (c0 == 0xD1 && c1 == 0x91) {
    r[0] = static_cast<char>(0xD0);
    r[1] = static_cast<char>(0x81);
  }
  return r;
}

}  // namespace vlmforge::synth
