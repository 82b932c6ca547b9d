// The VAE Train view's map: the test images' posterior means as class-coloured dots over the
// prior's 1 and 2 sigma circles, animated from one encoding to the next (each dot glides to
// its new place, and the frame follows) so a class sees the blob at the start unfold into
// clusters. Maps the mouse back to the latent plane. ImDrawList only: no GL, no engine.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/train/vae_live.h"

namespace latentlab {

class TrainMapView {
 public:
  // A new encoding: the dots start gliding from where they are drawn now.
  void setTarget(const VaeLiveMap& map, double now);
  void clear();
  bool empty() const { return m_to.empty(); }
  bool animating(double now) const { return m_t0 >= 0 && now - m_t0 < kSeconds; }

  struct Hit {
    bool hovered = false, clicked = false;
    float x = 0, y = 0;  // the plane point under the mouse
  };
  // Draws into the current window at the cursor, `size` pixels, and reserves the space.
  // `pin` (may be null) marks a pinned plane point with a cross.
  Hit draw(ImVec2 size, double now, const float* pin);
  // The class colours, as a row of swatches that wraps at `width` pixels; reserves its space.
  static void drawLegend(const std::vector<std::string>& classNames, float width);

  // The frame shown (plane units), for tests.
  float lo(int axis) const { return m_lo[axis]; }
  float hi(int axis) const { return m_hi[axis]; }

  static constexpr double kSeconds = 0.6;  // one glide

 private:
  void frameFor(const std::vector<float>& xy, float lo[2], float hi[2]) const;

  std::vector<float> m_from, m_to, m_shown;  // N x 2 each
  std::vector<int> m_labels;
  double m_t0 = -1;
  int m_dims = 2;
  float m_lo[2] = {-3, -3}, m_hi[2] = {3, 3};
  float m_fromLo[2] = {-3, -3}, m_fromHi[2] = {3, 3}, m_toLo[2] = {-3, -3}, m_toHi[2] = {3, 3};
};

}  // namespace latentlab
