#include "data/tokenizer/byte_level.h"

#include "data/tokenizer/utf8.h"

namespace vlmforge::tokenizer {

const ByteLevelTable& byte_level_table() {
  static const ByteLevelTable table = [] {
    ByteLevelTable t;
    t.char_to_byte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char32_t c = printable ? static_cast<char32_t>(b) : next++;
      t.byte_to_char[b] = c;
      t.byte_to_utf8[b].clear();
      append_utf8(t.byte_to_utf8[b], c);
      t.char_to_byte[c] = static_cast<int16_t>(b);
    }
    return t;
  }();
  return table;
}

}  // namespace vlmforge::tokenizer
