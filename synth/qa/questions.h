// LNQA-style question generation: every answer comes from the document's recorded facts and is
// grounded by the box of the region it is read from (or computed from: the total's box for a
// sum, the item's box for "most expensive item"). Question types: extractive, arithmetic (and
// multi-hop), yesno, counting, description (corners, summary) and transcription; each type has
// at least five paraphrases. Negatives ask about absent fields ("не указано") or absent marks
// ("нет").
#pragma once

#include <string>
#include <vector>

#include "synth/docs/document.h"
#include "synth/generator.h"
#include "synth/rng.h"

namespace vlmforge::synth {

extern const char* const kNotGiven;  // "не указано"

std::vector<QaPair> make_questions(const Document& doc, int count, double negative_fraction,
                                   Rng& rng);

}  // namespace vlmforge::synth
