#include "app/steer/direction_set.h"

#include "engine/util/errors.h"

namespace latentlab {

void DirectionSet::add(Direction d) { m_sliders.push_back({std::move(d), 0.f, false}); }

void DirectionSet::resetAll() {
  for (auto& s : m_sliders) s.value = 0;
}

bool DirectionSet::anyMoved() const {
  for (auto& s : m_sliders)
    if (s.value != 0) return true;
  return false;
}

Latent DirectionSet::effectiveUnit(size_t i) const {
  const DirectionSlider& s = m_sliders[i];
  if (!s.orthogonal) return s.dir.vector;
  std::vector<Direction> others;
  for (size_t k = 0; k < m_sliders.size(); ++k)
    if (k != i && m_sliders[k].dir.vector.size() == s.dir.vector.size()) others.push_back(m_sliders[k].dir);
  try {
    return orthogonalized(s.dir, others).vector;
  } catch (const BadInput&) {
    return Latent(s.dir.vector.size(), 0.f);  // nothing of it is left: the slider does nothing
  }
}

Latent DirectionSet::move(int dim) const {
  Latent out(size_t(std::max(dim, 0)), 0.f);
  for (size_t i = 0; i < m_sliders.size(); ++i) {
    const DirectionSlider& s = m_sliders[i];
    if (s.value == 0 || int(s.dir.vector.size()) != dim) continue;
    Latent u = effectiveUnit(i);
    double k = double(s.value) * s.dir.sigma;
    for (int j = 0; j < dim; ++j) out[size_t(j)] += float(k * u[size_t(j)]);
  }
  return out;
}

bool DirectionSet::moveAsDirection(int dim, Direction& out) const {
  // The engine's edit-as-direction over the vectors the sliders really move along.
  std::vector<Direction> dirs;
  std::vector<double> values;
  std::string name = "edit";
  for (size_t i = 0; i < m_sliders.size(); ++i) {
    const DirectionSlider& s = m_sliders[i];
    if (s.value == 0 || int(s.dir.vector.size()) != dim) continue;
    Direction d = s.dir;
    d.vector = effectiveUnit(i);
    dirs.push_back(d);
    values.push_back(s.value);
  }
  if (dirs.empty()) return false;
  try {
    out = editAsDirection(dirs, values, name);
  } catch (const BadInput&) {
    return false;  // the moves cancel out
  }
  return true;
}

}  // namespace latentlab
