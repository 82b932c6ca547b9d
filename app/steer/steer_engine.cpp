#include "app/steer/steer_engine.h"

#include <algorithm>

#include "engine/latent/latent_path.h"

namespace latentlab {

std::vector<Latent> interpolatePath(const std::vector<Latent>& points, const std::vector<bool>& slerp,
                                    int stepsPerSegment) {
  std::vector<InterpMode> modes;
  for (size_t i = 0; i + 1 < points.size(); ++i)
    modes.push_back(i < slerp.size() && slerp[i] ? InterpMode::Slerp : InterpMode::Lerp);
  // The engine's path (the same as `render interp`), cut into rows.
  std::vector<float> flat = latentPath(points, std::max(2, stepsPerSegment), modes);
  size_t dim = points.empty() ? 0 : points[0].size();
  std::vector<Latent> out;
  for (size_t i = 0; dim && i + dim <= flat.size(); i += dim) out.emplace_back(flat.begin() + long(i), flat.begin() + long(i + dim));
  return out;
}

namespace {
void blit(Image& dst, const Image& src, int x0, int y0, int scale) {
  for (int y = 0; y < src.height * scale; ++y)
    for (int x = 0; x < src.width * scale; ++x) {
      const uint8_t* p = src.at(x / scale, y / scale);
      uint8_t* q = dst.at(x0 + x, y0 + y);
      for (int c = 0; c < 3; ++c) q[c] = src.channels >= 3 ? p[c] : p[0];
    }
}
}  // namespace

Image gridImage(const std::vector<Image>& images, int rows, int cols, int scale, int gap) {
  if (images.empty() || rows < 1 || cols < 1) return {};
  scale = std::max(1, scale);
  int tw = images[0].width * scale, th = images[0].height * scale;
  Image out(cols * tw + (cols + 1) * gap, rows * th + (rows + 1) * gap, 3, 24);
  for (size_t i = 0; i < images.size() && int(i) < rows * cols; ++i) {
    if (images[i].empty() || images[i].width != images[0].width || images[i].height != images[0].height) continue;
    int r = int(i) / cols, c = int(i) % cols;
    blit(out, images[i], gap + c * (tw + gap), gap + r * (th + gap), scale);
  }
  return out;
}

Image stripImage(const std::vector<Image>& images, int scale, int gap) {
  return gridImage(images, 1, int(images.size()), scale, gap);
}

}  // namespace latentlab
