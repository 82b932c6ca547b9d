// The VAE Train view's read-outs drawn with ImDrawList (there is no ImPlot in 1.86): a curve
// box with its current value, range labels and marks where beta changed, and the per-dimension
// KL bars. Plain drawing, no state: no engine, no GL.
#pragma once
#include <imgui.h>

#include <string>
#include <utility>
#include <vector>

namespace latentlab {

struct CurveMark {
  size_t index;       // the value the mark stands before
  std::string label;  // e.g. "beta 4"
};

// A titled box of `values` (one per step; a running mean over ~1/60 of them smooths it),
// `width` x `height` pixels including the title line. Reserves its space.
void plotCurveBox(const char* title, const std::vector<float>& values, ImU32 colour, float width, float height,
                  const std::vector<CurveMark>& marks);

// One bar per latent dimension (its KL in nats), labelled with its value; a bar under
// 0.05 nats is drawn grey: that dimension carries no information (posterior collapse).
void plotKlBars(const std::vector<float>& kl, float width, float height);

}  // namespace latentlab
