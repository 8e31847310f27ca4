// GPT-2's reversible byte <-> printable-character map used by byte-level BPE vocabularies:
// bytes that are printable Latin-1 keep their code point, the other 68 map to U+0100.. in order.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace vlmforge::tokenizer {

struct ByteLevelTable {
  std::array<char32_t, 256> byte_to_char;
  std::array<std::string, 256> byte_to_utf8;  // byte_to_char encoded as UTF-8
  // Inverse: char code point -> byte, -1 for characters outside the map (indexed < 0x200).
  std::array<int16_t, 0x200> char_to_byte;
};

const ByteLevelTable& byte_level_table();

}  // namespace vlmforge::tokenizer
