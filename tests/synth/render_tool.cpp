// Renders documents for the Python-driven tests and the docs:
//   synth_render_tool clean OUT_DIR [SEED]   one clean page per (type, layout): <type>-<layout>.png
//                                            + <type>-<layout>.json (regions)
//   synth_render_tool preview OUT_DIR [WIDTH] one degraded page per type with boxes and QA drawn,
//                                            scaled to WIDTH px: <type>.jpg (docs/synth/)
// The OCR legibility test (tests/reference/synth_ocr.py) reads these.
#include <cstdio>
#include <fstream>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "data/formats/record.h"
#include <opencv2/imgproc.hpp>

#include "synth/config.h"
#include "synth/dataset.h"
#include "synth/docs/types.h"
#include "synth/generator.h"

using namespace vlmforge::synth;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s clean OUT_DIR [SEED]\n", argv[0]);
    return 2;
  }
  const std::string out = argv[2];
  if (std::string(argv[1]) == "preview") {
    const int width = argc > 3 ? std::atoi(argv[3]) : 480;
    TextRenderer renderer;
    for (const auto& t : doc_types()) {
      SynthConfig cfg;
      cfg.seed = 3;
      cfg.doc_types = {{t.name, 1.0}};
      const GeneratedDoc g = generate_document(cfg, 0, renderer, false);
      const cv::Mat full = draw_preview(g, renderer, cfg.font_dir);
      cv::Mat small;
      cv::resize(full, small, cv::Size(width, full.rows * width / full.cols), 0, 0, cv::INTER_AREA);
      cv::imwrite(out + "/" + t.name + ".jpg", small, {cv::IMWRITE_JPEG_QUALITY, 72});
    }
    return 0;
  }
  const uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
  SynthConfig cfg;
  TextRenderer renderer;
  for (const auto& t : doc_types()) {
    for (int layout = 0; layout < t.layouts; ++layout) {
      const Document d = render_document(cfg, t.name, layout, seed * 1000 + layout, renderer);
      const std::string stem = out + "/" + t.name + "-" + std::to_string(layout);
      cv::imwrite(stem + ".png", d.image);
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const auto& r : d.regions)
        j.push_back({{"bbox", {r.box.x, r.box.y, r.box.x + r.box.width, r.box.y + r.box.height}},
                     {"label", r.label},
                     {"text", r.text}});
      std::ofstream(stem + ".json") << j.dump() << "\n";
    }
  }
  return 0;
}
