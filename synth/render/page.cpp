#include "synth/render/page.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace vlmforge::synth {
namespace {

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

cv::Rect unite(const cv::Rect& a, const cv::Rect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a | b;
}

}  // namespace

Page::Page(int width, int height, TextRenderer& r, const Typeface& f, Rng& g)
    : image(height, width, CV_8UC3, cv::Scalar(255, 255, 255)), face(f), renderer(r), rng(g) {
  const double scale = width / 1240.0;
  margin_left = static_cast<int>(g.range(70, 110) * scale);
  margin_right = static_cast<int>(g.range(50, 90) * scale);
  margin_top = static_cast<int>(g.range(60, 100) * scale);
  margin_bottom = static_cast<int>(g.range(60, 90) * scale);
}

TextStyle Page::style(int px, bool bold) const {
  TextStyle st;
  st.font = bold ? face.bold : face.regular;
  st.px = px > 0 ? px : face.px;
  return st;
}

TextStyle Page::hand_style(int px) const {
  TextStyle st;
  st.font = face.hand;
  st.px = px > 0 ? px : face.px + 2;
  st.color = cv::Scalar(140, 50, 25);  // blue ballpoint (BGR)
  st.jitter = 0.6;
  return st;
}

int Page::line_height(const TextStyle& st) {
  return renderer.measure(st.font, st.px, "Ag").line_height();
}

int Page::measure(const std::string& s, const TextStyle& st) {
  return renderer.measure(st.font, st.px, s).advance;
}

void Page::add_region(const cv::Rect& box, const std::string& label, const std::string& text) {
  if (box.empty() || label.empty()) return;
  regions.push_back({box, label, text});
}

cv::Rect Page::text(int x, int baseline, const std::string& s, const TextStyle& st,
                    const std::string& label) {
  InkStyle ink;
  ink.color = st.color;
  ink.jitter_px = st.jitter;
  ink.jitter_seed = rng.next();
  const cv::Rect box = renderer.draw(image, st.font, st.px, s, x, baseline, ink);
  add_region(box, label, s);
  return box;
}

std::vector<std::string> Page::wrap(const std::string& s, const TextStyle& st, int width) {
  std::vector<std::string> lines;
  std::string cur;
  for (const std::string& w : split_words(s)) {
    const std::string cand = cur.empty() ? w : cur + " " + w;
    if (!cur.empty() && measure(cand, st) > width) {
      lines.push_back(cur);
      cur = w;
    } else {
      cur = cand;
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

cv::Rect Page::text_in_box(const cv::Rect& box, const std::string& s, TextStyle st, Align align,
                           const std::string& label, bool vcenter) {
  if (s.empty()) return {};
  const int min_px = std::max(9, st.px * 7 / 10);
  std::vector<std::string> lines{s};
  int lh = 0;
  for (;;) {
    lh = renderer.measure(st.font, st.px, "Ag").line_height();
    if (measure(s, st) <= box.width && lh <= box.height) {
      lines = {s};
      break;
    }
    lines = wrap(s, st, box.width);
    int widest = 0;
    for (const auto& l : lines) widest = std::max(widest, measure(l, st));
    const int total = static_cast<int>(lines.size()) * lh;
    if ((widest <= box.width && total <= box.height) || st.px <= min_px) break;
    st.px -= 1;
  }
  const int total = static_cast<int>(lines.size()) * lh;
  const int ascent = renderer.measure(st.font, st.px, "Ag").ascent;
  int y = box.y + (vcenter ? std::max(0, (box.height - total) / 2) : 0);
  cv::Rect ink;
  for (const auto& l : lines) {
    const int w = measure(l, st);
    int x = box.x;
    if (align == Align::center) x = box.x + (box.width - w) / 2;
    if (align == Align::right) x = box.x + box.width - w;
    ink = unite(ink, text(x, y + ascent, l, st, ""));
    y += lh;
  }
  add_region(ink, label, s);
  return ink;
}

int Page::flow(int x, int top, int width, const std::vector<Span>& spans, const TextStyle& base,
               Align align, double line_spacing) {
  // Break spans into placeable pieces: labelled spans stay whole when they fit one line.
  struct Piece {
    std::string text;
    size_t span;
    bool bold;
  };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < spans.size(); ++i) {
    TextStyle st = base;
    if (spans[i].bold) st.font = face.bold;
    if (spans[i].label != "text" && measure(spans[i].text, st) <= width) {
      pieces.push_back({spans[i].text, i, spans[i].bold});
    } else {
      for (const auto& w : split_words(spans[i].text)) pieces.push_back({w, i, spans[i].bold});
    }
  }
  const int lh = static_cast<int>(line_height(base) * line_spacing);
  const int ascent = renderer.measure(base.font, base.px, "Ag").ascent;
  // Lay out lines: a piece joins the line with a space unless it starts the line; a piece that
  // continues the same span without a break keeps that span's box growing.
  std::vector<std::vector<size_t>> lines(1);
  std::vector<int> line_width(1, 0);
  const int space = measure(" ", base);
  // Punctuation opening a piece (", ИНН", ".", ")") sticks to the previous word.
  std::vector<bool> tight(pieces.size(), false);
  for (size_t k = 0; k < pieces.size(); ++k) {
    const char c = pieces[k].text.empty() ? ' ' : pieces[k].text[0];
    tight[k] = c == ',' || c == '.' || c == ')' || c == ';' || c == ':';
  }
  for (size_t k = 0; k < pieces.size(); ++k) {
    TextStyle st = base;
    if (pieces[k].bold) st.font = face.bold;
    const int w = measure(pieces[k].text, st);
    const bool glue = k > 0 && !lines.back().empty();
    const int gap = glue && !tight[k] ? space : 0;
    if (glue && line_width.back() + gap + w > width) {
      lines.emplace_back();
      line_width.push_back(0);
    }
    line_width.back() += (lines.back().empty() ? 0 : gap) + w;
    lines.back().push_back(k);
  }
  std::vector<cv::Rect> span_box(spans.size());
  int y = top;
  for (size_t li = 0; li < lines.size(); ++li) {
    int px = x;
    if (align == Align::center) px = x + (width - line_width[li]) / 2;
    if (align == Align::right) px = x + width - line_width[li];
    for (size_t j = 0; j < lines[li].size(); ++j) {
      const Piece& p = pieces[lines[li][j]];
      TextStyle st = base;
      if (p.bold) st.font = face.bold;
      if (j > 0 && !tight[lines[li][j]]) px += space;
      span_box[p.span] = unite(span_box[p.span], text(px, y + ascent, p.text, st, ""));
      px += measure(p.text, st);
    }
    y += lh;
  }
  for (size_t i = 0; i < spans.size(); ++i) add_region(span_box[i], spans[i].label, spans[i].text);
  return y;
}

int Page::labeled(int x, int baseline, const std::string& label_text, const std::string& value,
                  const std::string& field, const TextStyle& st, bool value_bold) {
  int pen = x;
  if (!label_text.empty()) {
    text(pen, baseline, label_text, st);
    pen += measure(label_text + " ", st);
  }
  TextStyle vs = st;
  if (value_bold) vs.font = face.bold;
  text(pen, baseline, value, vs, field);
  return pen + measure(value, vs);
}

void Page::hline(int x0, int x1, int y, int thickness, cv::Scalar color) {
  cv::line(image, {x0, y}, {x1, y}, color, thickness, cv::LINE_8);
}
void Page::vline(int x, int y0, int y1, int thickness, cv::Scalar color) {
  cv::line(image, {x, y0}, {x, y1}, color, thickness, cv::LINE_8);
}
void Page::rect(const cv::Rect& r, int thickness, cv::Scalar color) {
  cv::rectangle(image, r, color, thickness, cv::LINE_8);
}

}  // namespace vlmforge::synth
