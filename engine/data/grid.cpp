#include "engine/data/grid.h"

#include <stb_easy_font.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/data/image_io.h"
#include "engine/util/errors.h"

namespace latentlab {

int textWidth(const std::string& text) { return stb_easy_font_width(const_cast<char*>(text.c_str())); }
int textHeight() { return 12; }

void drawText(Image& img, int x0, int y0, const std::string& text, const uint8_t rgb[3], int scale) {
  std::vector<char> vbuf(text.size() * 300 + 1000);
  unsigned char color[4] = {255, 255, 255, 255};
  int quads = stb_easy_font_print(0, 0, const_cast<char*>(text.c_str()), color, vbuf.data(), int(vbuf.size()));
  // Each vertex: x, y, z floats + 4 colour bytes = 16 bytes; 4 vertices per quad.
  for (int q = 0; q < quads; ++q) {
    float xs[4], ys[4];
    for (int v = 0; v < 4; ++v) {
      std::memcpy(&xs[v], vbuf.data() + (q * 4 + v) * 16, 4);
      std::memcpy(&ys[v], vbuf.data() + (q * 4 + v) * 16 + 4, 4);
    }
    int ax = x0 + int(std::floor(*std::min_element(xs, xs + 4) * scale));
    int bx = x0 + int(std::ceil(*std::max_element(xs, xs + 4) * scale));
    int ay = y0 + int(std::floor(*std::min_element(ys, ys + 4) * scale));
    int by = y0 + int(std::ceil(*std::max_element(ys, ys + 4) * scale));
    for (int y = std::max(0, ay); y < std::min(img.height, by); ++y)
      for (int x = std::max(0, ax); x < std::min(img.width, bx); ++x)
        for (int c = 0; c < std::min(3, img.channels); ++c) img.at(x, y)[c] = rgb[c];
  }
}

Image makeGrid(const std::vector<Image>& images, const GridOptions& o) {
  if (images.empty()) throw BadInput("nothing to put in the grid");
  const int w = images[0].width, h = images[0].height;
  const int cols = std::max(1, std::min<int>(o.cols, int(images.size())));
  const int rows = int((images.size() + cols - 1) / cols);
  int left = 0, top = 0;
  for (auto& l : o.rowLabels) left = std::max(left, textWidth(l) + 6);
  if (!o.colLabels.empty()) top = textHeight() + 2;
  // Sizes in 64 bits first: many or large tiles must be refused, not wrap an int.
  const int64_t cw64 = int64_t(w) * o.scale, ch64 = int64_t(h) * o.scale;
  const int64_t outW = left + o.pad + int64_t(cols) * (cw64 + o.pad), outH = top + o.pad + int64_t(rows) * (ch64 + o.pad);
  if (w < 1 || h < 1 || o.scale < 1 || o.pad < 0 || outW > 65536 || outH > 65536 ||
      outW * outH * 3 > kMaxImageBytes)
    throw BadInput("grid of " + std::to_string(images.size()) + " images of " + std::to_string(w) + "x" +
                   std::to_string(h) + " at scale " + std::to_string(o.scale) + " would be " + std::to_string(outW) +
                   "x" + std::to_string(outH) + " pixels, too large (use fewer images or a smaller scale)");
  const int cw = int(cw64), ch = int(ch64);
  Image out(int(outW), int(outH), 3, o.background);
  const uint8_t textColor[3] = {230, 230, 230};
  for (size_t i = 0; i < images.size(); ++i) {
    Image img = toChannels(images[i], 3);
    if (img.width != w || img.height != h) throw BadInput("grid images must all have the same size");
    int gx = left + o.pad + int(i % cols) * (cw + o.pad);
    int gy = top + o.pad + int(i / cols) * (ch + o.pad);
    for (int y = 0; y < ch; ++y)
      for (int x = 0; x < cw; ++x) std::memcpy(out.at(gx + x, gy + y), img.at(x / o.scale, y / o.scale), 3);
  }
  for (size_t r = 0; r < o.rowLabels.size() && int(r) < rows; ++r)
    drawText(out, 3, top + o.pad + int(r) * (ch + o.pad) + (ch - textHeight()) / 2, o.rowLabels[r], textColor);
  for (size_t c = 0; c < o.colLabels.size() && int(c) < cols; ++c) {
    int x = left + o.pad + int(c) * (cw + o.pad) + (cw - textWidth(o.colLabels[c])) / 2;
    drawText(out, std::max(0, x), 2, o.colLabels[c], textColor);
  }
  return out;
}

}  // namespace latentlab
