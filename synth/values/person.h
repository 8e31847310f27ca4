// Russian personal names: first name, patronymic derived from the father's name (table of real
// pairs, so Ильич/Ильинична and Никитич/Никитична come out right) and a surname in the
// person's gender (Иванов / Иванова, Вишневский / Вишневская, Шевченко for both).
#pragma once

#include <string>

#include "synth/rng.h"
#include "synth/values/amount_words.h"

namespace vlmforge::synth {

struct Person {
  Gender gender = Gender::masculine;
  std::string surname, first_name, patronymic;

  std::string full() const { return surname + " " + first_name + " " + patronymic; }
  // "Иванов И. И." and "И. И. Иванов" (both seen on Russian documents).
  std::string surname_initials() const;
  std::string initials_surname() const;
};

Person make_person(Rng& rng);
Person make_person(Rng& rng, Gender gender);

// Job titles (nominative) seen in signature blocks.
std::string make_position(Rng& rng);

}  // namespace vlmforge::synth
