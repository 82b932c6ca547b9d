#include "app/map_projection.h"

#include <tuple>

#include "engine/projection/projection.h"
#include "engine/util/errors.h"

namespace latentlab {

void MapProjection::setLatents(std::shared_ptr<const LatentSet> latents, LatentPlane pca) {
  m_latents = std::move(latents);
  m_pca = std::move(pca);
}

bool MapProjection::nonlinear(const std::string& planeMode) {
  for (const auto& e : projections())
    if (e.name == planeMode) return e.iterative;
  return false;
}

const MapPoints& MapProjection::points() const {
  if (!m_nonlinear || !m_latents) return m_points;
  const auto& layout = m_layouts->active();
  if (!layout || layout->latents != m_latents) return m_points;
  uint64_t v = layout->version();
  if (layout.get() == m_shown && v == m_shownVersion) return m_points;
  MapLayout::Frame f = layout->frame();
  if (f.uv.size() == size_t(m_latents->count) * 2) {
    m_points.uv = std::move(f.uv);
    ++m_points.version;
  }
  m_shown = layout.get();
  m_shownVersion = v;
  return m_points;
}

bool MapProjection::place(const AppState& s, const std::vector<float>& z, double& u, double& v) const {
  if (!m_latents || int(z.size()) != m_latents->dim) return false;
  if (!m_nonlinear) {
    if (s.plane.dim() != int(z.size())) return false;
    std::tie(u, v) = s.plane.project(z.data());
    return true;
  }
  const auto& layout = m_layouts->active();
  if (!layout || layout->latents != m_latents) return false;
  auto inverse = layout->frameStatus().inverse;
  if (!inverse) return false;
  std::tie(u, v) = inverse->place(z.data());
  return true;
}

void MapProjection::clear() {
  m_latents.reset();
  m_nonlinear = false;
  m_shown = nullptr;
  m_pca = LatentPlane{};
  uint64_t version = m_points.version;
  m_points = MapPoints{};
  m_points.version = version + 1;
}

std::string MapProjection::applyPlane(AppState& s) {
  if (!m_latents) return {};
  int dim = m_latents->dim;
  std::string error;
  m_nonlinear = nonlinear(s.planeMode);
  m_shown = nullptr;
  if (m_nonlinear) {
    // No exact plane: the decode cursor takes its latent from the layout's inverse blend
    // (state.mapLatent, set by the map panel) until the mode changes back.
    s.plane = LatentPlane{};
    m_points.uv = projectAll(m_pca, *m_latents);  // the start of both layouts, until a frame arrives
    m_points.labels = m_latents->labels;
    m_points.classNames = m_latents->classNames;
    ++m_points.version;
    points();
    if (s.hiddenClasses.size() < m_points.classNames.size()) s.hiddenClasses.resize(m_points.classNames.size(), false);
    return {};
  }
  try {
    if (s.planeMode == "pca") {
      s.plane = m_pca;
    } else if (s.planeMode == "axes") {
      if (s.axisI < 0 || s.axisJ < 0 || s.axisI >= dim || s.axisJ >= dim || s.axisI == s.axisJ)
        throw BadInput("plane: latent dimensions " + std::to_string(s.axisI) + " and " + std::to_string(s.axisJ) +
                       " are not two different dimensions of a " + std::to_string(dim) + "-d latent");
      s.plane = axesPlane(dim, s.axisI, s.axisJ);
    } else if (s.planeMode == "points") {
      for (auto i : s.planePoints)
        if (i < 0 || i >= m_latents->count)
          throw BadInput("plane through points: data index " + std::to_string(i) + " is not in the data set");
      s.plane = planeThroughPoints(m_latents->latent(s.planePoints[0]), m_latents->latent(s.planePoints[1]),
                                   m_latents->latent(s.planePoints[2]));
    } else if (s.planeMode == "custom") {
      if (s.plane.dim() != dim || !s.plane.valid())
        throw BadInput("the session's custom plane does not fit a " + std::to_string(dim) + "-d latent");
    } else {
      throw BadInput("plane mode \"" + s.planeMode + "\" is unknown");
    }
  } catch (const BadInput& e) {
    error = std::string(e.what()) + "; showing the PCA plane";
    s.planeMode = "pca";
    s.plane = m_pca;
  }
  if (!s.mapLatent.empty() && int(s.mapLatent.size()) == s.plane.dim()) {
    // Back from a nonlinear map: the cursor stays on the latent it was decoding.
    auto [u, v] = s.plane.project(s.mapLatent.data());
    s.cursorU = u;
    s.cursorV = v;
  }
  s.mapLatent.clear();
  m_points.uv = projectAll(s.plane, *m_latents);
  m_points.labels = m_latents->labels;
  m_points.classNames = m_latents->classNames;
  ++m_points.version;
  // A first-time user should see a decoded image at once, not an empty panel: start the
  // cursor on the first data item (for Fashion-MNIST's test split, an ankle boot).
  if (!s.hasCursor && m_points.count() > 0) {
    s.hasCursor = true;
    s.cursorU = m_points.uv[0];
    s.cursorV = m_points.uv[1];
  }
  if (s.hiddenClasses.size() < m_points.classNames.size()) s.hiddenClasses.resize(m_points.classNames.size(), false);
  return error;
}

}  // namespace latentlab
