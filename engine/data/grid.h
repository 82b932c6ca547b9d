// Lays images out in a labelled grid and draws small text labels (stb_easy_font quads
// rasterised into the image). Geometry without labels, so tests can predict it:
//   width  = pad + cols * (w * scale + pad),  height = pad + rows * (h * scale + pad)
// Row labels add a left margin, column labels a top margin.
#pragma once
#include <string>
#include <vector>

#include "engine/data/image.h"

namespace latentlab {

struct GridOptions {
  int cols = 10;
  int scale = 2;   // nearest-neighbour upscaling of each cell
  int pad = 2;
  uint8_t background = 40;
  std::vector<std::string> rowLabels;  // one per row (or empty)
  std::vector<std::string> colLabels;  // one per column (or empty)
};

// All images must have the same size; output is RGB.
Image makeGrid(const std::vector<Image>& images, const GridOptions& opts);
// Draws text with its top-left corner at (x, y), each font pixel `scale` pixels big.
void drawText(Image& img, int x, int y, const std::string& text, const uint8_t rgb[3], int scale = 1);
int textWidth(const std::string& text);
int textHeight();

}  // namespace latentlab
