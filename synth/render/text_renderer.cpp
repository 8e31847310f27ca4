#include "synth/render/text_renderer.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "models/core/error.h"
#include "synth/rng.h"

namespace vlmforge::synth {

struct TextRenderer::Impl {
  struct Face {
    FT_Face ft = nullptr;
    hb_font_t* hb = nullptr;
    int ascent = 0, descent = 0;
  };
  struct Glyph {
    cv::Mat alpha;  // CV_8U coverage, empty for blank glyphs
    int left = 0, top = 0;
  };
  struct Shaped {
    std::vector<uint32_t> gids;
    std::vector<int> x, y;  // glyph origins in pixels relative to the pen start
    int advance = 0;
  };

  FT_Library lib = nullptr;
  std::vector<std::string> files;
  std::vector<std::string> data;  // font file bytes; faces reference them
  std::unordered_map<uint64_t, Face> faces;
  std::unordered_map<uint64_t, Glyph> glyphs;
  hb_buffer_t* buf = nullptr;

  ~Impl() {
    for (auto& [k, f] : faces) {
      hb_font_destroy(f.hb);
      FT_Done_Face(f.ft);
    }
    if (buf) hb_buffer_destroy(buf);
    if (lib) FT_Done_FreeType(lib);
  }

  Face& face(int font, int px) {
    const uint64_t key = (static_cast<uint64_t>(font) << 16) | static_cast<uint64_t>(px);
    auto it = faces.find(key);
    if (it != faces.end()) return it->second;
    Face f;
    const std::string& bytes = data.at(font);
    if (FT_New_Memory_Face(lib, reinterpret_cast<const FT_Byte*>(bytes.data()),
                           static_cast<FT_Long>(bytes.size()), 0, &f.ft) != 0)
      throw Error("FreeType cannot open the font", files.at(font));
    FT_Set_Pixel_Sizes(f.ft, 0, static_cast<FT_UInt>(px));
    f.hb = hb_ft_font_create_referenced(f.ft);
    f.ascent = static_cast<int>((f.ft->size->metrics.ascender + 63) >> 6);
    f.descent = static_cast<int>((-f.ft->size->metrics.descender + 63) >> 6);
    return faces.emplace(key, f).first->second;
  }

  void shape(Face& f, const std::string& text, Shaped& out) {
    hb_buffer_clear_contents(buf);
    hb_buffer_add_utf8(buf, text.data(), static_cast<int>(text.size()), 0,
                       static_cast<int>(text.size()));
    hb_buffer_guess_segment_properties(buf);
    hb_shape(f.hb, buf, nullptr, 0);
    unsigned n = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, &n);
    out.gids.resize(n);
    out.x.resize(n);
    out.y.resize(n);
    int64_t pen = 0;  // 26.6 fixed point
    for (unsigned i = 0; i < n; ++i) {
      out.gids[i] = info[i].codepoint;
      out.x[i] = static_cast<int>((pen + pos[i].x_offset + 32) >> 6);
      out.y[i] = -static_cast<int>((pos[i].y_offset + 32) >> 6);
      pen += pos[i].x_advance;
    }
    out.advance = static_cast<int>((pen + 32) >> 6);
  }

  const Glyph& glyph(int font, int px, Face& f, uint32_t gid) {
    const uint64_t key = (static_cast<uint64_t>(font) << 48) |
                         (static_cast<uint64_t>(px) << 32) | gid;
    auto it = glyphs.find(key);
    if (it != glyphs.end()) return it->second;
    Glyph g;
    if (FT_Load_Glyph(f.ft, gid, FT_LOAD_DEFAULT) == 0 &&
        FT_Render_Glyph(f.ft->glyph, FT_RENDER_MODE_NORMAL) == 0) {
      const FT_Bitmap& bm = f.ft->glyph->bitmap;
      g.left = f.ft->glyph->bitmap_left;
      g.top = f.ft->glyph->bitmap_top;
      if (bm.rows > 0 && bm.width > 0) {
        cv::Mat view(static_cast<int>(bm.rows), static_cast<int>(bm.width), CV_8U, bm.buffer,
                     static_cast<size_t>(bm.pitch));
        g.alpha = view.clone();
      }
    }
    return glyphs.emplace(key, std::move(g)).first->second;
  }

  Shaped scratch;
};

namespace {

// Alpha-blends `color` into `bgr` through `alpha` placed with its top-left at (x, y); returns the
// box of pixels with non-zero coverage that landed inside the image.
cv::Rect blend(cv::Mat& bgr, const cv::Mat& alpha, int x, int y, const cv::Scalar& color) {
  const cv::Rect full(x, y, alpha.cols, alpha.rows);
  const cv::Rect clip = full & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (clip.empty()) return {};
  int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
  const int c0 = static_cast<int>(color[0]), c1 = static_cast<int>(color[1]),
            c2 = static_cast<int>(color[2]);
  for (int r = clip.y; r < clip.y + clip.height; ++r) {
    const uint8_t* a = alpha.ptr<uint8_t>(r - y) + (clip.x - x);
    uint8_t* d = bgr.ptr<uint8_t>(r) + 3 * clip.x;
    for (int c = 0; c < clip.width; ++c, d += 3) {
      const int k = a[c];
      if (k == 0) continue;
      d[0] = static_cast<uint8_t>((d[0] * (255 - k) + c0 * k + 127) / 255);
      d[1] = static_cast<uint8_t>((d[1] * (255 - k) + c1 * k + 127) / 255);
      d[2] = static_cast<uint8_t>((d[2] * (255 - k) + c2 * k + 127) / 255);
      x0 = std::min(x0, clip.x + c);
      x1 = std::max(x1, clip.x + c);
      y0 = std::min(y0, r);
      y1 = std::max(y1, r);
    }
  }
  if (x1 < 0) return {};
  return cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
}

cv::Rect unite(const cv::Rect& a, const cv::Rect& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a | b;
}

}  // namespace

TextRenderer::TextRenderer() : impl_(std::make_unique<Impl>()) {
  if (FT_Init_FreeType(&impl_->lib) != 0) throw Error("FreeType failed to initialise");
  impl_->buf = hb_buffer_create();
}

TextRenderer::~TextRenderer() = default;

int TextRenderer::load(const std::string& path) {
  for (size_t i = 0; i < impl_->files.size(); ++i)
    if (impl_->files[i] == path) return static_cast<int>(i);
  std::string bytes;
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw Error("cannot open font file", path, "install fonts-paratype fonts-dejavu "
                        "fonts-liberation2 fonts-freefont-ttf or set synth.font_dir");
    char chunk[65536];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.append(chunk, n);
    std::fclose(f);
  }
  impl_->files.push_back(path);
  impl_->data.push_back(std::move(bytes));
  const int id = static_cast<int>(impl_->files.size()) - 1;
  impl_->face(id, 20);  // fail early on a broken file
  return id;
}

TextExtent TextRenderer::measure(int font, int px, const std::string& utf8) {
  Impl::Face& f = impl_->face(font, px);
  impl_->shape(f, utf8, impl_->scratch);
  return {impl_->scratch.advance, f.ascent, f.descent};
}

cv::Rect TextRenderer::draw(cv::Mat& bgr, int font, int px, const std::string& utf8, int x,
                            int baseline, const InkStyle& ink) {
  Impl::Face& f = impl_->face(font, px);
  Impl::Shaped& s = impl_->scratch;
  impl_->shape(f, utf8, s);
  Rng jitter(ink.jitter_seed);
  cv::Rect box;
  for (size_t i = 0; i < s.gids.size(); ++i) {
    const Impl::Glyph& g = impl_->glyph(font, px, f, s.gids[i]);
    if (g.alpha.empty()) continue;
    const int dy = ink.jitter_px > 0 ? static_cast<int>(std::lround(jitter.normal() * ink.jitter_px)) : 0;
    box = unite(box, blend(bgr, g.alpha, x + s.x[i] + g.left, baseline + s.y[i] - g.top + dy,
                           ink.color));
  }
  return box;
}

cv::Rect TextRenderer::draw_on_circle(cv::Mat& bgr, int font, int px, const std::string& utf8,
                                      double cx, double cy, double r, double start_rad,
                                      const cv::Scalar& color) {
  Impl::Face& f = impl_->face(font, px);
  Impl::Shaped s;
  impl_->shape(f, utf8, s);
  cv::Rect box;
  for (size_t i = 0; i < s.gids.size(); ++i) {
    const Impl::Glyph& g = impl_->glyph(font, px, f, s.gids[i]);
    if (g.alpha.empty()) continue;
    // The glyph's horizontal centre sits on the circle at arc length = its pen position.
    const double centre = s.x[i] + g.left + g.alpha.cols / 2.0;
    const double theta = start_rad + centre / r;  // clockwise from start, screen coordinates
    const double gx = cx + r * std::cos(theta), gy = cy + r * std::sin(theta);
    // Rotate so the glyph's up points away from the centre.
    const double deg = theta * 180.0 / CV_PI + 90.0;
    const int pad = std::max(g.alpha.cols, g.alpha.rows);
    cv::Mat canvas = cv::Mat::zeros(2 * pad + 1, 2 * pad + 1, CV_8U);
    // Glyph placed with its baseline-centre at the canvas centre.
    const int ox = pad - g.alpha.cols / 2, oy = pad - g.top;
    cv::Rect dst(ox, oy, g.alpha.cols, g.alpha.rows);
    dst &= cv::Rect(0, 0, canvas.cols, canvas.rows);
    if (dst.empty()) continue;
    g.alpha(cv::Rect(0, 0, dst.width, dst.height)).copyTo(canvas(dst));
    cv::Mat rot = cv::getRotationMatrix2D(cv::Point2f(static_cast<float>(pad), static_cast<float>(pad)), -deg, 1.0);
    cv::Mat turned;
    cv::warpAffine(canvas, turned, rot, canvas.size(), cv::INTER_LINEAR);
    box = unite(box, blend(bgr, turned, static_cast<int>(std::lround(gx)) - pad,
                           static_cast<int>(std::lround(gy)) - pad, color));
  }
  return box;
}

}  // namespace vlmforge::synth
