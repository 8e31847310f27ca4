// Unicode services the normalizers need, through ICU: NFC/NFD/NFKC/NFKD and lower-casing.
// Inputs and outputs are UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace vlmforge::tokenizer {

enum class NormalForm { NFC, NFD, NFKC, NFKD };

std::string normalize_unicode(std::string_view text, NormalForm form);

// Full Unicode lower-casing (root locale), as Rust's str::to_lowercase.
std::string lowercase_unicode(std::string_view text);

// Removes combining marks (general category Mn), as the StripAccents normalizer does.
std::string strip_accents(std::string_view text);

}  // namespace vlmforge::tokenizer
