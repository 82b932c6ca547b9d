// Two renderings of the same latent (or seed) by two models, as a difference heat map: the
// per-pixel |A - B| (mean over channels) coloured black -> red -> yellow -> white, saturating at
// `saturate`, and the mean and largest difference. Used by `render compare` (and a Compare
// panel). Torch-free and GL-free: plain values in, a CPU image out.
#pragma once
#include <vector>

#include "engine/data/image.h"

namespace latentlab {

struct DifferenceMap {
  Image heat;           // RGB, the images' width x height
  double meanAbs = 0;   // mean |A - B| over pixels and channels, in [0, 1] units
  double maxAbs = 0;    // the largest per-pixel (channel-mean) |A - B|
};

// a, b: C x H x W values in [0, 1] (row-major, as ExploreModel::decodeValues gives them).
DifferenceMap differenceMap(const float* a, const float* b, int channels, int height, int width, double saturate = 0.5);

// The heat colour of t in [0, 1] (clamped): black, red, yellow, white.
void heatColour(double t, uint8_t rgb[3]);

}  // namespace latentlab
