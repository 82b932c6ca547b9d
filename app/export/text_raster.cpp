#include "app/export/text_raster.h"

#include <stb_truetype.h>

#include <algorithm>
#include <cmath>

#include "engine/util/file_io.h"

namespace latentlab {

struct TextRaster::Font {
  std::vector<uint8_t> ttf;  // stb_truetype reads glyphs from this buffer: it must outlive `info`
  stbtt_fontinfo info{};
};

namespace {

// Decodes UTF-8; a broken byte becomes '?' rather than stopping the label.
std::vector<int> codepoints(const std::string& s) {
  std::vector<int> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = (unsigned char)s[i];
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + size_t(n) > s.size()) {
      out.push_back('?');
      ++i;
      continue;
    }
    int cp = n == 1 ? c : c & (0x7f >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | ((unsigned char)s[i + size_t(k)] & 0x3f);
    out.push_back(cp);
    i += size_t(n);
  }
  return out;
}

}  // namespace

void blendPixel(Image& img, int x, int y, const uint8_t rgb[3], float a) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || a <= 0) return;
  a = std::min(a, 1.f);
  uint8_t* p = img.at(x, y);
  auto mix = [a](uint8_t dst, uint8_t src) { return uint8_t(std::lround(dst + (float(src) - dst) * a)); };
  if (img.channels == 1) {
    uint8_t grey = uint8_t(std::lround(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]));
    p[0] = mix(p[0], grey);
    return;
  }
  for (int c = 0; c < 3; ++c) p[c] = mix(p[c], rgb[c]);
  if (img.channels == 4) p[3] = uint8_t(std::lround(p[3] + (255 - p[3]) * a));
}

TextRaster::TextRaster(const std::string& fontPath) : m_font(std::make_unique<Font>()) {
  try {
    m_font->ttf = readFileBytes(fontPath);
  } catch (const std::exception&) {
    m_error = "no font at " + fontPath + " (install fonts-dejavu-core): exported pictures have no labels";
    return;
  }
  int offset = stbtt_GetFontOffsetForIndex(m_font->ttf.data(), 0);
  if (offset < 0 || !stbtt_InitFont(&m_font->info, m_font->ttf.data(), offset)) {
    m_error = fontPath + " is not a TrueType font: exported pictures have no labels";
    return;
  }
  m_ok = true;
}

TextRaster::~TextRaster() = default;

int TextRaster::width(const std::string& text, float px) const {
  if (!m_ok) return 0;
  float scale = stbtt_ScaleForPixelHeight(&m_font->info, px);
  float x = 0;
  auto cps = codepoints(text);
  for (size_t i = 0; i < cps.size(); ++i) {
    int adv, lsb;
    stbtt_GetCodepointHMetrics(&m_font->info, cps[i], &adv, &lsb);
    x += adv * scale;
    if (i + 1 < cps.size()) x += scale * stbtt_GetCodepointKernAdvance(&m_font->info, cps[i], cps[i + 1]);
  }
  return int(std::ceil(x));
}

void TextRaster::draw(Image& img, int x, int y, const std::string& text, float px, const uint8_t rgb[3]) const {
  if (!m_ok || img.empty()) return;
  const stbtt_fontinfo* f = &m_font->info;
  float scale = stbtt_ScaleForPixelHeight(f, px);
  int ascent, descent, gap;
  stbtt_GetFontVMetrics(f, &ascent, &descent, &gap);
  int baseline = y + int(std::lround(ascent * scale));
  float pen = float(x);
  auto cps = codepoints(text);
  std::vector<uint8_t> glyph;
  for (size_t i = 0; i < cps.size(); ++i) {
    int x0, y0, x1, y1;
    stbtt_GetCodepointBitmapBox(f, cps[i], scale, scale, &x0, &y0, &x1, &y1);
    int w = x1 - x0, h = y1 - y0;
    if (w > 0 && h > 0) {
      glyph.assign(size_t(w) * h, 0);
      stbtt_MakeCodepointBitmap(f, glyph.data(), w, h, w, scale, scale, cps[i]);
      int gx = int(std::lround(pen)) + x0, gy = baseline + y0;
      for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c)
          if (uint8_t cov = glyph[size_t(r) * w + c]) blendPixel(img, gx + c, gy + r, rgb, cov / 255.f);
    }
    int adv, lsb;
    stbtt_GetCodepointHMetrics(f, cps[i], &adv, &lsb);
    pen += adv * scale;
    if (i + 1 < cps.size()) pen += scale * stbtt_GetCodepointKernAdvance(f, cps[i], cps[i + 1]);
  }
}

const TextRaster& defaultTextRaster() {
  static const TextRaster raster;
  return raster;
}

}  // namespace latentlab
