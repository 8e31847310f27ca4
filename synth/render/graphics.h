// Page furniture drawn on a Page, each leaving a region: ruled tables with wrapped multi-line
// cells, round stamps with text on a circle, pen signatures and simple logos.
#pragma once

#include <string>
#include <vector>

#include "synth/render/page.h"

namespace vlmforge::synth {

struct TableColumn {
  std::string header;
  double weight = 1.0;  // share of the table width
  Align align = Align::left;
};

struct TableCell {
  std::string text;
  std::string label = "text";
};

// Draws a ruled table with a header row at (x, top); cells wrap to several lines when needed.
// Returns the y of the bottom rule.
int draw_table(Page& page, int x, int top, int width, const std::vector<TableColumn>& columns,
               const std::vector<std::vector<TableCell>>& rows, const TextStyle& body,
               const TextStyle& header, bool outer_only_vertical = false);

// A round seal: double ring, `ring_text` along the circle, `centre_text` in the middle.
// Region label "stamp", text = ring text + " " + centre text.
cv::Rect draw_stamp(Page& page, cv::Point centre, int radius, const std::string& ring_text,
                    const std::string& centre_text);
// A pen scribble inside `area`. Region label "signature" with empty text: a signature is not
// legible, so there is nothing to transcribe.
cv::Rect draw_signature(Page& page, const cv::Rect& area);
// Simple logo: a geometric mark and the brand name. Region label "logo", text = brand.
cv::Rect draw_logo(Page& page, cv::Point top_left, int height, const std::string& brand);

// Upper case of Russian / ASCII UTF-8 text.
std::string upper_ru(const std::string& s);

}  // namespace vlmforge::synth
