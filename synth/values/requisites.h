// Russian tax and bank identifiers with valid control digits: ИНН (10 digits for organisations,
// 12 for individuals / ИП), КПП, ОГРН, ОГРНИП, БИК, корреспондентский and расчётный счёт.
// Generators take a region code so the numbers of one organisation agree with its address;
// validators check length, digits and control digits.
#pragma once

#include <string>

#include "synth/rng.h"

namespace vlmforge::synth {

// Control digits (Federal Tax Service order): digits weighted, mod 11, mod 10.
std::string make_inn10(Rng& rng, int region);
std::string make_inn12(Rng& rng, int region);
// КПП: tax office (4 digits) + reason code (2: 01 = Russian organisation, 43 = branch) + 3 digits.
std::string make_kpp(Rng& rng, const std::string& inn10);
// ОГРН (13 digits, sign 1 or 5, check = first 12 mod 11 mod 10);
// ОГРНИП (15 digits, sign 3, check = first 14 mod 13 mod 10).
std::string make_ogrn(Rng& rng, int region, int year);
std::string make_ogrnip(Rng& rng, int region, int year);
// БИК: 04 + region (2) + division (2) + bank number (3, >= 050).
std::string make_bik(Rng& rng, int region);
// Correspondent account 30101 810 K 0000 0000 XXX where XXX = last 3 digits of the БИК.
std::string make_corr_account(const std::string& bik);
// Settlement account: balance account (40702 organisation, 40802 ИП, ...) + 810 + key + 11 digits.
std::string make_settlement_account(Rng& rng, const std::string& bik, const std::string& balance);

bool valid_inn(const std::string& inn);  // 10 or 12 digits
bool valid_kpp(const std::string& kpp);  // format only: КПП has no control digit
bool valid_ogrn(const std::string& ogrn);
bool valid_ogrnip(const std::string& ogrnip);
bool valid_bik(const std::string& bik);  // format only: БИК has no control digit
// The key digit (position 9) of a 20-digit account held in the bank with `bik`: settlement
// accounts are checked with the last 3 digits of the БИК, correspondent accounts (301...)
// with "0" + digits 5-6 of the БИК, weights 7 1 3 repeated over 23 digits, sum mod 10 == 0.
bool valid_account(const std::string& account, const std::string& bik);

}  // namespace vlmforge::synth
