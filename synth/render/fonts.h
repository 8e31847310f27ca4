// Font families from Debian packages (fonts-paratype, fonts-dejavu, fonts-liberation2,
// fonts-freefont-ttf): serif, sans, mono and condensed faces with bold and italic styles.
#pragma once

#include <string>
#include <vector>

namespace vlmforge::synth {

enum class FontKind { serif, sans, mono, condensed };

struct FontFamily {
  std::string name;
  FontKind kind;
  std::string regular, bold, italic;  // paths relative to the font folder
};

const std::vector<FontFamily>& font_families();

}  // namespace vlmforge::synth
