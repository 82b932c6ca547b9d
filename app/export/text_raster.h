// Text drawn on the CPU into an Image with stb_truetype (Debian libstb), for labels in
// exported pictures (legend class names, step numbers). When the font file is missing, ok()
// is false, error() says so and draw() does nothing: exports then go out without labels.
// No ImGui, no GL: exports are rendered off the GUI's font atlas.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/image.h"

namespace latentlab {

class TextRaster {
 public:
  static constexpr const char* kDefaultFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  explicit TextRaster(const std::string& fontPath = kDefaultFont);
  ~TextRaster();
  TextRaster(const TextRaster&) = delete;
  TextRaster& operator=(const TextRaster&) = delete;

  bool ok() const { return m_ok; }
  const std::string& error() const { return m_error; }
  // Width in pixels of `text` (UTF-8) at a line height of `px`; 0 without a font.
  int width(const std::string& text, float px) const;
  // Draws `text` with the top of its line at y, blending `rgb` over the image by glyph
  // coverage; clipped to the image. Works on 1, 3 or 4 channel images.
  void draw(Image& img, int x, int y, const std::string& text, float px, const uint8_t rgb[3]) const;

 private:
  struct Font;
  std::unique_ptr<Font> m_font;
  bool m_ok = false;
  std::string m_error;
};

// The DejaVuSans raster, loaded once (thread-safe).
const TextRaster& defaultTextRaster();

// Blends rgb over pixel (x, y) with coverage a in [0, 1]; outside the image: nothing.
void blendPixel(Image& img, int x, int y, const uint8_t rgb[3], float a);

}  // namespace latentlab
