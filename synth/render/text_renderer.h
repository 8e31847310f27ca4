// Text rendering straight on FreeType + HarfBuzz with a glyph cache. OpenCV's freetype module
// re-rasterises every glyph on every call (about 0.4 ms for a 50-character line, 40 ms per page);
// caching rasterised glyphs per (face, pixel size, glyph id) makes a page ~10x cheaper, and
// because every glyph's bitmap is known, the ink box of each drawn string is exact to the pixel.
//
// One TextRenderer per thread (FreeType objects are not shared across threads).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <opencv2/core.hpp>

namespace vlmforge::synth {

// Horizontal extent of a shaped string and its line metrics, in pixels, relative to the pen
// origin on the baseline (y grows downwards: ascent is positive above the baseline).
struct TextExtent {
  int advance = 0;  // pen advance: the layout width
  int ascent = 0;   // font ascender at this size
  int descent = 0;  // font descender (positive, below the baseline)
  int line_height() const { return ascent + descent; }
};

// Per-glyph vertical jitter and size wobble for handwriting-like fills (0 = print).
struct InkStyle {
  cv::Scalar color{20, 20, 20};  // BGR
  double jitter_px = 0.0;        // std-dev of a per-glyph baseline offset
  uint64_t jitter_seed = 0;
};

class TextRenderer {
 public:
  TextRenderer();
  ~TextRenderer();
  TextRenderer(const TextRenderer&) = delete;
  TextRenderer& operator=(const TextRenderer&) = delete;

  // Registers a font file; returns its id. Throws vlmforge::Error naming the file when FreeType
  // cannot open it.
  int load(const std::string& path);

  TextExtent measure(int font, int px, const std::string& utf8);
  // Draws `utf8` with the pen starting at (x, baseline) and returns the ink box (tight bounding
  // box of the pixels it touched; empty for blank text).
  cv::Rect draw(cv::Mat& bgr, int font, int px, const std::string& utf8, int x, int baseline,
                const InkStyle& ink = {});
  // Draws one glyph string rotated by `angle_rad` around (cx, cy) at radius `r`, glyph by glyph,
  // following a circle (stamps). Returns the ink box.
  cv::Rect draw_on_circle(cv::Mat& bgr, int font, int px, const std::string& utf8, double cx,
                          double cy, double r, double start_rad, const cv::Scalar& color);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vlmforge::synth
