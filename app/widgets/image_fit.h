// Fitting a model's image into a box without stretching it: models may be 1 or 3 channels and
// any size from 16 x 16 to 256 x 256, square or not (a 48 x 32 decode drawn in a square box
// keeps its 3:2 shape, centred). Header-only, ImGui types only; never touches GL.
#pragma once
#include <imgui.h>

#include <algorithm>

#include "engine/data/image.h"

namespace latentlab {

// The largest w x h with the image's aspect ratio inside boxW x boxH (the box itself when
// the image is empty or square).
inline ImVec2 fitImageSize(int imageW, int imageH, float boxW, float boxH) {
  if (imageW <= 0 || imageH <= 0) return ImVec2(boxW, boxH);
  float s = std::min(boxW / float(imageW), boxH / float(imageH));
  return ImVec2(float(imageW) * s, float(imageH) * s);
}
inline ImVec2 fitImageSize(const Image& img, float boxW, float boxH) {
  return fitImageSize(img.width, img.height, boxW, boxH);
}
// The box's top-left offset that centres a fitted size in it.
inline ImVec2 centredOffset(ImVec2 fitted, float boxW, float boxH) {
  return ImVec2(0.5f * (boxW - fitted.x), 0.5f * (boxH - fitted.y));
}

}  // namespace latentlab
