// The Directions panel's model, without ImGui: the directions (engine/latent/directions.h) on
// sliders, each with its value in sigma units, which ones move orthogonally to the others,
// and the summed move they make. Headless-testable; never decodes anything itself.
#pragma once
#include <string>
#include <vector>

#include "app/steer/steer_engine.h"

namespace latentlab {

struct DirectionSlider {
  Direction dir;
  float value = 0;          // in sigma units
  bool orthogonal = false;  // moves along the part of dir orthogonal to every other slider's
};

class DirectionSet {
 public:
  std::vector<DirectionSlider>& sliders() { return m_sliders; }
  const std::vector<DirectionSlider>& sliders() const { return m_sliders; }
  void add(Direction d);
  void resetAll();
  // The unit vector slider i moves along (orthogonalised when asked; zeros when its
  // direction lies in the others' span).
  Latent effectiveUnit(size_t i) const;
  // sum_i value_i * sigma_i * effectiveUnit(i): what the sliders add to a latent of `dim`
  // values (sliders of another size are skipped).
  Latent move(int dim) const;
  // The summed move as a direction of its own (unit, sigma = its length); false when zero.
  bool moveAsDirection(int dim, Direction& out) const;
  bool anyMoved() const;

 private:
  std::vector<DirectionSlider> m_sliders;
};

}  // namespace latentlab
