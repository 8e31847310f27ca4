#include "synth/render/fonts.h"

namespace vlmforge::synth {

const std::vector<FontFamily>& font_families() {
  static const std::vector<FontFamily> families = {
      {"PT Serif", FontKind::serif, "paratype/PTF55F.ttf", "paratype/PTF75F.ttf", "paratype/PTF56F.ttf"},
      {"PT Sans", FontKind::sans, "paratype/PTS55F.ttf", "paratype/PTS75F.ttf", "paratype/PTS56F.ttf"},
      {"PT Mono", FontKind::mono, "paratype/PTM55F.ttf", "paratype/PTM75F.ttf", "paratype/PTM55F.ttf"},
      {"PT Sans Narrow", FontKind::condensed, "paratype/PTN57F.ttf", "paratype/PTN77F.ttf", "paratype/PTS56F.ttf"},
      {"DejaVu Serif", FontKind::serif, "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf", "dejavu/DejaVuSerif-Italic.ttf"},
      {"DejaVu Sans", FontKind::sans, "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSans-Oblique.ttf"},
      {"DejaVu Sans Condensed", FontKind::condensed, "dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf", "dejavu/DejaVuSansCondensed-Oblique.ttf"},
      {"DejaVu Serif Condensed", FontKind::condensed, "dejavu/DejaVuSerifCondensed.ttf", "dejavu/DejaVuSerifCondensed-Bold.ttf", "dejavu/DejaVuSerifCondensed-Italic.ttf"},
      {"DejaVu Sans Mono", FontKind::mono, "dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSansMono-Oblique.ttf"},
      {"Liberation Serif", FontKind::serif, "liberation2/LiberationSerif-Regular.ttf", "liberation2/LiberationSerif-Bold.ttf", "liberation2/LiberationSerif-Italic.ttf"},
      {"Liberation Sans", FontKind::sans, "liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf", "liberation2/LiberationSans-Italic.ttf"},
      {"Liberation Mono", FontKind::mono, "liberation2/LiberationMono-Regular.ttf", "liberation2/LiberationMono-Bold.ttf", "liberation2/LiberationMono-Italic.ttf"},
      {"FreeSerif", FontKind::serif, "freefont/FreeSerif.ttf", "freefont/FreeSerifBold.ttf", "freefont/FreeSerifItalic.ttf"},
      {"FreeSans", FontKind::sans, "freefont/FreeSans.ttf", "freefont/FreeSansBold.ttf", "freefont/FreeSansOblique.ttf"},
      {"FreeMono", FontKind::mono, "freefont/FreeMono.ttf", "freefont/FreeMonoBold.ttf", "freefont/FreeMonoOblique.ttf"},
  };
  return families;
}

}  // namespace vlmforge::synth
