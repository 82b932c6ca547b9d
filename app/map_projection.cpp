#include "app/map_projection.h"

#include "engine/util/errors.h"

namespace latentlab {

void MapProjection::setLatents(std::shared_ptr<const LatentSet> latents, LatentPlane pca) {
  m_latents = std::move(latents);
  m_pca = std::move(pca);
}

void MapProjection::clear() {
  m_latents.reset();
  m_pca = LatentPlane{};
  uint64_t version = m_points.version;
  m_points = MapPoints{};
  m_points.version = version + 1;
}

std::string MapProjection::applyPlane(AppState& s) {
  if (!m_latents) return {};
  int dim = m_latents->dim;
  std::string error;
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
