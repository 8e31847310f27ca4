// Unicode text helpers for answer scoring: UTF-8 <-> code points, simple lower-case mapping for
// Latin / Cyrillic / Greek, whitespace classes, and the answer normalisations the metrics use.
// Dependency-free on purpose (no ICU); the case map covers every cased letter of the Latin-1,
// Latin Extended-A, Greek and Cyrillic (incl. Ё and the Cyrillic Supplement) blocks.
#pragma once

#include <string>
#include <string_view>

namespace vlmforge::eval {

// Decodes UTF-8; a malformed or truncated sequence becomes U+FFFD (one per bad byte), so every
// input has a defined code-point length.
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);

// Simple (1:1) Unicode lower-case mapping (UnicodeData.txt field 13) for the blocks above;
// other code points map to themselves. U+0130 'İ' -> 'i' (simple mapping; Python's full
// mapping gives "i̇"), and 'Σ' -> 'σ' everywhere (no final-sigma rule).
char32_t to_lower(char32_t c);
std::u32string to_lower(std::u32string_view s);

// Unicode White_Space plus U+001C..U+001F: exactly the characters Python's str.split() and
// str.strip() treat as whitespace, so normalisation agrees with the DocVQA reference scripts.
bool is_space(char32_t c);

// Strips leading/trailing whitespace and collapses inner runs to one U+0020.
std::u32string collapse_spaces(std::u32string_view s);

// DocVQA / ANLS normalisation: lower-case, strip, collapse whitespace
// (Python: " ".join(s.strip().lower().split())).
std::u32string anls_normalize(std::string_view s);

// Exact-match normalisation (a superset of anls_normalize): lower-case; 'ё' -> 'е'; every quote
// character (« » “ ” „ ‟ " ' ‘ ’ ‚ ‛ ` ´) -> '"'; every dash/hyphen/minus (‐ ‑ ‒ – — ― − -) ->
// '-'; whitespace collapsed and stripped; then trailing . , ; : ! ? … (and spaces between them)
// removed.
std::u32string match_normalize(std::string_view s);

}  // namespace vlmforge::eval
