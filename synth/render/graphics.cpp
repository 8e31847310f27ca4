#include "synth/render/graphics.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace vlmforge::synth {

std::string upper_ru(const std::string& s) {
  std::string r;
  r.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'a' && c <= 'z') {
      r += static_cast<char>(c - 32);
    } else if (c == 0xD0 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      r += static_cast<char>(0xD0);
      r += static_cast<char>(d >= 0xB0 && d <= 0xBF ? d - 0x20 : d);
      ++i;
    } else if (c == 0xD1 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x8F) {
        r += static_cast<char>(0xD0);
        r += static_cast<char>(d + 0x20);
      } else if (d == 0x91) {
        r += static_cast<char>(0xD0);
        r += static_cast<char>(0x81);
      } else {
        r += static_cast<char>(c);
        r += static_cast<char>(d);
      }
      ++i;
    } else {
      r += static_cast<char>(c);
    }
  }
  return r;
}

int draw_table(Page& page, int x, int top, int width, const std::vector<TableColumn>& columns,
               const std::vector<std::vector<TableCell>>& rows, const TextStyle& body,
               const TextStyle& header, bool outer_only_vertical) {
  double total_weight = 0;
  for (const auto& c : columns) total_weight += c.weight;
  std::vector<int> col_x{x};
  for (const auto& c : columns)
    col_x.push_back(col_x.back() + static_cast<int>(std::lround(width * c.weight / total_weight)));
  col_x.back() = x + width;
  const int pad = std::max(4, body.px / 4);

  auto row_height = [&](const std::vector<std::string>& texts, const TextStyle& st) {
    const int lh = page.line_height(st);
    size_t most = 1;
    for (size_t c = 0; c < texts.size() && c < columns.size(); ++c) {
      const int inner = col_x[c + 1] - col_x[c] - 2 * pad;
      if (page.measure(texts[c], st) > inner) most = std::max(most, page.wrap(texts[c], st, inner).size());
    }
    return static_cast<int>(most) * lh + 2 * pad;
  };

  std::vector<int> row_y{top};
  std::vector<std::string> head;
  for (const auto& c : columns) head.push_back(c.header);
  row_y.push_back(row_y.back() + row_height(head, header));
  for (const auto& r : rows) {
    std::vector<std::string> texts;
    for (const auto& cell : r) texts.push_back(cell.text);
    row_y.push_back(row_y.back() + row_height(texts, body));
  }
  const int bottom = row_y.back();
  for (size_t c = 0; c < columns.size(); ++c) {
    const cv::Rect box(col_x[c] + pad, row_y[0] + pad, col_x[c + 1] - col_x[c] - 2 * pad,
                       row_y[1] - row_y[0] - 2 * pad);
    page.text_in_box(box, columns[c].header, header, Align::center, "text");
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size() && c < columns.size(); ++c) {
      const cv::Rect box(col_x[c] + pad, row_y[r + 1] + pad, col_x[c + 1] - col_x[c] - 2 * pad,
                         row_y[r + 2] - row_y[r + 1] - 2 * pad);
      page.text_in_box(box, rows[r][c].text, body, columns[c].align, rows[r][c].label);
    }
  }
  for (size_t i = 0; i < row_y.size(); ++i)
    page.hline(x, x + width, row_y[i], (i == 0 || i == 1 || i + 1 == row_y.size()) ? 2 : 1);
  for (size_t c = 0; c < col_x.size(); ++c) {
    const bool outer = c == 0 || c + 1 == col_x.size();
    if (outer_only_vertical && !outer) {
      page.vline(col_x[c], row_y[0], row_y[1], 1);
    } else {
      page.vline(col_x[c], top, bottom, outer ? 2 : 1);
    }
  }
  return bottom;
}

cv::Rect draw_stamp(Page& page, cv::Point centre, int radius, const std::string& ring_text,
                    const std::string& centre_text) {
  Rng& rng = page.rng;
  const cv::Scalar ink = rng.chance(0.7) ? cv::Scalar(170, 70, 45) : cv::Scalar(150, 40, 110);
  // Stamps are drawn on their own layer and multiplied in, so text underneath stays visible.
  // Only the layer's square around the seal is ever read back, so only it is cleared: the rest
  // of the page-sized layer stays untouched memory (never faulted in, ~1 ms per stamp).
  const cv::Rect roi = cv::Rect(centre.x - radius - 4, centre.y - radius - 4, 2 * radius + 9, 2 * radius + 9) &
                       cv::Rect(0, 0, page.image.cols, page.image.rows);
  cv::Mat layer(page.image.size(), CV_8UC3);
  layer(roi).setTo(cv::Scalar(255, 255, 255));
  cv::Mat keep = page.image;
  page.image = layer;
  cv::circle(page.image, centre, radius, ink, 3, cv::LINE_AA);
  cv::circle(page.image, centre, radius - 9, ink, 1, cv::LINE_AA);
  const int inner = radius - 40;
  cv::circle(page.image, centre, inner, ink, 1, cv::LINE_AA);
  // Ring text: size so that it fills ~92% of the circle at the text baseline radius.
  const int base_r = radius - 34;
  const std::string ring = upper_ru(ring_text) + " * ";
  int px = 22;
  const double circumference = 2 * CV_PI * base_r;
  for (; px > 10; --px)
    if (page.renderer.measure(page.face.bold, px, ring).advance < 0.95 * circumference) break;
  const int adv = page.renderer.measure(page.face.bold, px, ring).advance;
  const double start = -CV_PI / 2 - (adv / static_cast<double>(base_r)) / 2;
  cv::Rect box = page.renderer.draw_on_circle(page.image, page.face.bold, px, ring, centre.x,
                                              centre.y, base_r, start, ink);
  TextStyle st;
  st.font = page.face.bold;
  st.px = 18;
  st.color = ink;
  const cv::Rect inside(centre.x - inner * 7 / 10, centre.y - inner / 2, inner * 14 / 10, inner);
  page.text_in_box(inside, centre_text, st, Align::center, "");
  page.image = keep;
  const double angle = rng.uniform(-25, 25);
  cv::Mat sub = layer(roi).clone(), turned;
  // A seal is never pressed straight: rotate the layer about the stamp centre (ROI coordinates).
  cv::Mat rot_roi = cv::getRotationMatrix2D(cv::Point2f(static_cast<float>(centre.x - roi.x), static_cast<float>(centre.y - roi.y)), angle, 1.0);
  cv::warpAffine(sub, turned, rot_roi, sub.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(255, 255, 255));
  // Multiply blend at 85% ink density: paper and print under the seal stay visible.
  cv::Mat dst = page.image(roi);
  for (int r = 0; r < dst.rows; ++r) {
    uint8_t* d = dst.ptr<uint8_t>(r);
    const uint8_t* s = turned.ptr<uint8_t>(r);
    for (int c = 0; c < dst.cols * 3; ++c) {
      const int k = 255 - (255 - s[c]) * 85 / 100;
      d[c] = static_cast<uint8_t>(d[c] * k / 255);
    }
  }
  cv::Mat gray, mask;
  cv::cvtColor(turned, gray, cv::COLOR_BGR2GRAY);
  mask = gray < 250;
  box = cv::boundingRect(mask);
  box.x += roi.x;
  box.y += roi.y;
  page.add_region(box, "stamp", ring_text + " " + centre_text);
  return box;
}

cv::Rect draw_signature(Page& page, const cv::Rect& area) {
  Rng& rng = page.rng;
  const cv::Scalar ink(120 + rng.range(0, 40), 40, 20);
  std::vector<cv::Point> pts;
  double x = area.x + rng.uniform(0, area.width * 0.15);
  double y = area.y + area.height * rng.uniform(0.3, 0.7);
  const int strokes = static_cast<int>(rng.range(5, 9));
  for (int s = 0; s < strokes; ++s) {
    // A loop: a few points on an ellipse-ish path moving right.
    const double w = area.width * rng.uniform(0.06, 0.16), h = area.height * rng.uniform(0.25, 0.5);
    for (int k = 0; k <= 8; ++k) {
      const double t = k / 8.0 * 2 * CV_PI;
      const double px = x + w * t / (2 * CV_PI) + w * 0.4 * std::sin(t);
      const double py = y - h * std::sin(t) * (s % 2 ? 1 : 0.6);
      pts.emplace_back(static_cast<int>(std::clamp(px, double(area.x), double(area.x + area.width - 1))),
                       static_cast<int>(std::clamp(py, double(area.y), double(area.y + area.height - 1))));
    }
    x += w * rng.uniform(0.8, 1.3);
    y += rng.uniform(-area.height * 0.1, area.height * 0.1);
  }
  const cv::Point tail_end(area.x + area.width - 1 - static_cast<int>(rng.range(0, area.width / 6)),
                           static_cast<int>(area.y + area.height * rng.uniform(0.2, 0.5)));
  pts.push_back(tail_end);
  cv::polylines(page.image, pts, false, ink, 2, cv::LINE_AA);
  const cv::Rect box = cv::boundingRect(pts) + cv::Size(2, 2) - cv::Point(1, 1);
  page.add_region(box & cv::Rect(0, 0, page.width(), page.height()), "signature", "");
  return box;
}

cv::Rect draw_logo(Page& page, cv::Point tl, int height, const std::string& brand) {
  Rng& rng = page.rng;
  const cv::Scalar colors[] = {{160, 90, 20}, {40, 40, 180}, {40, 130, 40}, {20, 110, 200}, {110, 40, 110}};
  const cv::Scalar c = colors[rng.index(5)];
  const int kind = rng.index(3);
  const cv::Point centre(tl.x + height / 2, tl.y + height / 2);
  if (kind == 0) {
    cv::circle(page.image, centre, height / 2, c, -1, cv::LINE_AA);
    cv::circle(page.image, centre, height / 4, cv::Scalar(255, 255, 255), -1, cv::LINE_AA);
  } else if (kind == 1) {
    cv::rectangle(page.image, cv::Rect(tl.x, tl.y, height, height), c, -1);
    cv::rectangle(page.image, cv::Rect(tl.x + height / 4, tl.y + height / 4, height / 2, height / 2),
                  cv::Scalar(255, 255, 255), -1);
  } else {
    std::vector<cv::Point> tri{{tl.x + height / 2, tl.y}, {tl.x, tl.y + height}, {tl.x + height, tl.y + height}};
    cv::fillConvexPoly(page.image, tri, c, cv::LINE_AA);
  }
  TextStyle st = page.style(static_cast<int>(height * 0.6), true);
  st.color = c;
  const int baseline = tl.y + height * 3 / 4 + 2;
  const cv::Rect text_box = page.text(tl.x + height + height / 4, baseline, brand, st, "");
  const cv::Rect box = cv::Rect(tl.x, tl.y, height + 1, height + 1) | text_box;
  page.add_region(box, "logo", brand);
  return box;
}

}  // namespace vlmforge::synth
