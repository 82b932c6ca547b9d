// The steered latent the three steering panels share: the map cursor's latent plus the
// Latent inspector's per-dimension edits plus the Directions sliders' summed move (all in
// AppState), and small vector helpers. Header-only, torch-free, no ImGui state: the panels
// and the headless tests compute the same latent the same way.
#pragma once
#include <cmath>
#include <vector>

#include "app/app_state.h"

namespace latentlab {

// The latent under the map cursor (on a t-SNE / UMAP map, which has no plane, the map's
// own estimate); empty when there is no cursor.
inline std::vector<float> cursorLatentOf(const AppState& s) {
  if (!s.hasCursor) return {};
  if (s.plane.origin.empty()) return s.mapLatent;
  return s.plane.toLatent(s.cursorU, s.cursorV);
}

// a + b elementwise where b has a's size (b empty or of another size is ignored).
inline void addInPlace(std::vector<float>& a, const std::vector<float>& b, float scale = 1.f) {
  if (b.size() != a.size()) return;
  for (size_t i = 0; i < a.size(); ++i) a[i] += scale * b[i];
}

// The cursor's latent with the inspector's edits (the Directions sliders start here).
inline std::vector<float> editedLatentOf(const AppState& s) {
  std::vector<float> z = cursorLatentOf(s);
  addInPlace(z, s.steerEdit);
  return z;
}

// What the steering panels show and decode: cursor + inspector edits + slider move.
inline std::vector<float> steeredLatentOf(const AppState& s) {
  std::vector<float> z = editedLatentOf(s);
  addInPlace(z, s.steerDirections);
  return z;
}

inline double dotOf(const std::vector<float>& a, const std::vector<float>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) d += double(a[i]) * double(b[i]);
  return d;
}

inline double distanceOf(const float* a, const float* b, int n) {
  double d = 0;
  for (int i = 0; i < n; ++i) d += double(a[i] - b[i]) * double(a[i] - b[i]);
  return std::sqrt(d);
}

}  // namespace latentlab
