// Organisations (ООО, АО, ПАО, ИП) with an address, requisites and a bank, all consistent:
// the ИНН, КПП and ОГРН carry the region of the address, an ИП has a 12-digit ИНН, an ОГРНИП
// and no КПП, the settlement account's key is computed with the bank's БИК.
#pragma once

#include <string>

#include "synth/rng.h"
#include "synth/values/person.h"

namespace vlmforge::synth {

struct Address {
  std::string postcode, city, street, building, office;
  int region = 77;
  std::string full() const;  // "123456, г. Москва, ул. Ленина, д. 12, оф. 5"
};

struct Bank {
  std::string name;  // e.g. "ПАО «Сбербанк»", with the city of the branch
  std::string bik, corr_account;
};

struct Organization {
  std::string opf;         // ООО, АО, ПАО, ИП
  std::string short_name;  // ООО «Вектор» / ИП Иванов И. И.
  std::string full_name;   // Общество с ограниченной ответственностью «Вектор»
  std::string inn, kpp, ogrn;  // kpp empty for ИП; ogrn holds the ОГРНИП for ИП
  Address address;
  Bank bank;
  std::string account;  // расчётный счёт
  std::string phone, email;
  Person head;         // director or the entrepreneur
  Person accountant;   // the same person for ИП
  bool is_ip() const { return opf == "ИП"; }
};

Address make_address(Rng& rng);
Organization make_organization(Rng& rng);
// A brand-like word used for company names and logos (e.g. "Вектор", "Техностр").
std::string make_brand(Rng& rng);

}  // namespace vlmforge::synth
