// How questions name a field: the nominative and accusative of a noun phrase ("дата документа" /
// "дату документа"), so templates like "Укажите {acc}." agree without per-field sentences.
#pragma once

#include <string>

#include "synth/docs/document.h"

namespace vlmforge::synth {

struct FieldPhrase {
  std::string nom, acc;
  bool ok() const { return !nom.empty(); }
};

// Empty phrase when the field is not asked about (internal keys such as items[i].index).
FieldPhrase field_phrase(const Document& doc, const std::string& key);

}  // namespace vlmforge::synth
