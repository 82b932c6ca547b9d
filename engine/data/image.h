// A CPU image: interleaved HWC uint8. Torch-free so the app and the jobs API can use it.
#pragma once
#include <cstdint>
#include <vector>

namespace latentlab {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 (grey), 3 (RGB) or 4 (RGBA)
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c, uint8_t fill = 0)
      : width(w), height(h), channels(c), pixels(size_t(w) * h * c, fill) {}
  bool empty() const { return pixels.empty(); }
  uint8_t* at(int x, int y) { return &pixels[(size_t(y) * width + x) * channels]; }
  const uint8_t* at(int x, int y) const { return &pixels[(size_t(y) * width + x) * channels]; }
};

}  // namespace latentlab
