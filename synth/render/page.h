// A page being rendered: the image, the text renderer and every region drawn so far. All text
// goes through here so that every string is measured before it is drawn (shrunk or wrapped to
// stay inside its cell) and every drawn string leaves a region with its exact ink box.
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "synth/render/text_renderer.h"
#include "synth/rng.h"

namespace vlmforge::synth {

// A drawn piece of text (or graphic: stamp, signature, logo) and what it is. `label` is the
// field key for values ("seller.inn", "items[2].amount") and "text" for fixed wording.
struct Region {
  cv::Rect box;  // pixel box in the page image
  std::string label;
  std::string text;
};

struct TextStyle {
  int font = 0;  // TextRenderer font id
  int px = 20;   // font size in pixels
  cv::Scalar color{25, 25, 25};
  double jitter = 0.0;  // handwriting: per-glyph baseline wobble (pixels)
};

enum class Align { left, center, right };

// A run of text in a flowing line. Labelled spans (values) are kept on one line when they fit.
struct Span {
  std::string text;
  std::string label = "text";
  bool bold = false;
};

// The document's typeface: ids of its regular, bold and italic faces plus a handwriting face.
struct Typeface {
  int regular = 0, bold = 0, italic = 0, hand = 0;
  int px = 20;  // body text size
  std::string family;
};

class Page {
 public:
  Page(int width, int height, TextRenderer& renderer, const Typeface& face, Rng& rng);

  cv::Mat image;  // CV_8UC3, white paper
  std::vector<Region> regions;
  Typeface face;
  TextRenderer& renderer;
  Rng& rng;
  int margin_left, margin_right, margin_top, margin_bottom;

  int width() const { return image.cols; }
  int height() const { return image.rows; }
  int content_width() const { return width() - margin_left - margin_right; }
  TextStyle style(int px = 0, bool bold = false) const;
  TextStyle hand_style(int px = 0) const;
  int line_height(const TextStyle& st);

  // One line at pen (x, baseline); records a region unless label is empty.
  cv::Rect text(int x, int baseline, const std::string& s, const TextStyle& st,
                const std::string& label = "text");
  int measure(const std::string& s, const TextStyle& st);
  // Text inside `box`: shrinks the size (down to 70%) until the text fits the width, then wraps
  // at spaces (and shrinks further) until the lines fit the height. One region for the whole
  // text (the union of its lines). Returns the ink box.
  cv::Rect text_in_box(const cv::Rect& box, const std::string& s, TextStyle st, Align align,
                       const std::string& label = "text", bool vcenter = true);
  // Lines of `s` wrapped at spaces to `width` (a word longer than the width gets its own line).
  std::vector<std::string> wrap(const std::string& s, const TextStyle& st, int width);
  // Flowing text from (x, top) within `width`; returns the y below the last line.
  int flow(int x, int top, int width, const std::vector<Span>& spans, const TextStyle& st,
           Align align = Align::left, double line_spacing = 1.25);
  // Single-line label + value, value with its own region; returns the x after the value.
  int labeled(int x, int baseline, const std::string& label_text, const std::string& value,
              const std::string& field, const TextStyle& st, bool value_bold = false);

  void hline(int x0, int x1, int y, int thickness = 1, cv::Scalar color = {30, 30, 30});
  void vline(int x, int y0, int y1, int thickness = 1, cv::Scalar color = {30, 30, 30});
  void rect(const cv::Rect& r, int thickness = 1, cv::Scalar color = {30, 30, 30});
  void add_region(const cv::Rect& box, const std::string& label, const std::string& text);
};

}  // namespace vlmforge::synth
