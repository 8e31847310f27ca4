#include "synth/values/requisites.h"

#include <cstdio>

namespace vlmforge::synth {
namespace {

bool all_digits(const std::string& s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int weighted_mod11(const std::string& digits, const int* weights, size_t n) {
  int sum = 0;
  for (size_t i = 0; i < n; ++i) sum += (digits[i] - '0') * weights[i];
  return sum % 11 % 10;
}

const int kInn10[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
const int kInn12a[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
const int kInn12b[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v % 100);
  return b;
}

std::string random_digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng.range(0, 9));
  return s;
}

// Remainder of a long decimal string modulo m (numbers exceed 64 bits for 20+ digits).
int mod_decimal(const std::string& digits, int m) {
  int r = 0;
  for (char c : digits) r = (r * 10 + (c - '0')) % m;
  return r;
}

// Sum over 23 digits of (digit * weight) with weights 7 1 3 repeated; valid when sum % 10 == 0.
int account_checksum(const std::string& prefix3, const std::string& account) {
  static const int w[3] = {7, 1, 3};
  const std::string s = prefix3 + account;
  int sum = 0;
  for (size_t i = 0; i < s.size(); ++i) sum += ((s[i] - '0') * w[i % 3]) % 10;
  return sum % 10;
}

std::string account_prefix(const std::string& account, const std::string& bik) {
  // Correspondent accounts are keyed with the settlement-centre digits of the БИК.
  if (account.compare(0, 3, "301") == 0) return "0" + bik.substr(4, 2);
  return bik.substr(6, 3);
}

std::string with_key(std::string account, const std::string& bik) {
  const std::string prefix = account_prefix(account, bik);
  for (char k = '0'; k <= '9'; ++k) {
    account[8] = k;
    if (account_checksum(prefix, account) == 0) return account;
  }
  return account;  // unreachable: weight 3 at the key position reaches every residue
}

}  // namespace

std::string make_inn10(Rng& rng, int region) {
  std::string s = two(region) + two(static_cast<int>(rng.range(1, 51))) + random_digits(rng, 5);
  return s + static_cast<char>('0' + weighted_mod11(s, kInn10, 9));
}

std::string make_inn12(Rng& rng, int region) {
  std::string s = two(region) + two(static_cast<int>(rng.range(1, 51))) + random_digits(rng, 6);
  s += static_cast<char>('0' + weighted_mod11(s, kInn12a, 10));
  s += static_cast<char>('0' + weighted_mod11(s, kInn12b, 11));
  return s;
}

std::string make_kpp(Rng& rng, const std::string& inn10) {
  const char* reason = rng.chance(0.85) ? "01" : "43";
  return inn10.substr(0, 4) + reason + "001";
}

std::string make_ogrn(Rng& rng, int region, int year) {
  std::string s = std::string(rng.chance(0.3) ? "1" : "5") + two(year) + two(region) +
                  two(static_cast<int>(rng.range(1, 51))) + random_digits(rng, 5);
  return s + static_cast<char>('0' + mod_decimal(s, 11) % 10);
}

std::string make_ogrnip(Rng& rng, int region, int year) {
  std::string s = "3" + two(year) + two(region) + random_digits(rng, 9);
  return s + static_cast<char>('0' + mod_decimal(s, 13) % 10);
}

std::string make_bik(Rng& rng, int region) {
  // The БИК region is the ОКАТО code, which differs from the tax region: any two digits look real.
  (void)region;
  return "04" + two(static_cast<int>(rng.range(1, 99))) + two(static_cast<int>(rng.range(0, 99))) +
         std::to_string(rng.range(100, 999));
}

std::string make_corr_account(const std::string& bik) {
  return with_key("30101810000000000" + bik.substr(6, 3), bik);
}

std::string make_settlement_account(Rng& rng, const std::string& bik, const std::string& balance) {
  return with_key(balance + "810" + "0" + random_digits(rng, 11), bik);
}

bool valid_inn(const std::string& inn) {
  if (all_digits(inn, 10)) return weighted_mod11(inn, kInn10, 9) == inn[9] - '0';
  if (all_digits(inn, 12))
    return weighted_mod11(inn, kInn12a, 10) == inn[10] - '0' &&
           weighted_mod11(inn, kInn12b, 11) == inn[11] - '0';
  return false;
}

bool valid_kpp(const std::string& kpp) {
  // NNNN PP XXX where PP may also be two capital Latin letters (since 2013); we emit digits.
  if (kpp.size() != 9) return false;
  for (size_t i = 0; i < 9; ++i) {
    const char c = kpp[i];
    const bool digit = c >= '0' && c <= '9';
    const bool letter = c >= 'A' && c <= 'Z';
    if (!(digit || ((i == 4 || i == 5) && letter))) return false;
  }
  return true;
}

bool valid_ogrn(const std::string& ogrn) {
  return all_digits(ogrn, 13) && mod_decimal(ogrn.substr(0, 12), 11) % 10 == ogrn[12] - '0';
}

bool valid_ogrnip(const std::string& ogrnip) {
  return all_digits(ogrnip, 15) && ogrnip[0] == '3' &&
         mod_decimal(ogrnip.substr(0, 14), 13) % 10 == ogrnip[14] - '0';
}

bool valid_bik(const std::string& bik) { return all_digits(bik, 9) && bik.compare(0, 2, "04") == 0; }

bool valid_account(const std::string& account, const std::string& bik) {
  if (!all_digits(account, 20) || !valid_bik(bik)) return false;
  return account_checksum(account_prefix(account, bik), account) == 0;
}

}  // namespace vlmforge::synth
