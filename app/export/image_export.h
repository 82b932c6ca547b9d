// What the Export window writes: a picture scaled by whole pixels (nearest neighbour, so
// 1x is the exact pixels and 2x doubles every one), the denoising strip (x_t over the
// predicted x0 for the recorded steps), and the PNG write itself, atomic, with failures
// returned as a message rather than thrown. CPU only; never touches GL or ImGui.
#pragma once
#include <string>
#include <vector>

#include "engine/data/image.h"
#include "engine/explore/diffusion_sampling.h"

namespace latentlab {

class TextRaster;

// Every pixel repeated scale x scale times (scale >= 1).
Image scaleNearest(const Image& img, int scale);

// Which recorded steps a strip of at most `maxColumns` shows: evenly spread, always the
// first and the last.
std::vector<int> stripColumns(int frames, int maxColumns);

struct StripOptions {
  int scale = 1;
  int maxColumns = 10;
  const TextRaster* text = nullptr;  // "t=999" over each column, "x_t"/"x0" before each row
};

struct StripLayout {
  std::vector<int> frames;  // the frame shown in each column
  int tileW = 0, tileH = 0;
  std::vector<int> columnX;  // left edge of each column's tiles
  int rowXt = 0, rowX0 = 0;  // top edge of the x_t row and of the predicted-x0 row
  int width = 0, height = 0;  // the whole strip
  int labelW = 0;             // the row labels' margin (0 without a font)
};

// Where everything of a strip goes, without drawing it.
StripLayout stripLayout(const std::vector<SampleFrame>& frames, const StripOptions& options);

// x_t (top row) and predicted x0 (bottom row) per shown step, RGB on a dark background.
// Empty image when there are no frames.
Image denoiseStrip(const std::vector<SampleFrame>& frames, const StripOptions& options,
                   StripLayout* layout = nullptr);

struct ExportResult {
  bool ok = false;
  std::string path;   // absolute, when written
  std::string error;  // what went wrong and where, when not
  int width = 0, height = 0;
};

// Writes `img` as a PNG (temporary name + rename). Never throws.
ExportResult writeExportPng(const Image& img, const std::string& path);

}  // namespace latentlab
