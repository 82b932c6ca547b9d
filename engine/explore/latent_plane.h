// A 2-D plane in latent space that the latent map shows: latent = origin + u*axisU + v*axisV.
// The mapping is exact both ways on the plane, so a point dragged on the map decodes exactly
// the latent it shows. Pure math, torch-free; must never depend on the GUI.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace latentlab {

struct LatentSet;

struct LatentPlane {
  std::string mode;  // "pca", "points" (through three data points), "axes", "custom"
  std::vector<float> origin, axisU, axisV;

  int dim() const { return int(origin.size()); }
  bool valid() const;  // same sizes, finite, axes independent
  std::vector<float> toLatent(double u, double v) const;
  // Coordinates of the point of the plane nearest to z (least squares; exact for z on it).
  std::pair<double, double> project(const float* z) const;
};

// Mean and the two leading principal axes (unit length) of the encoded data.
LatentPlane pcaPlane(const LatentSet& set);
// The plane through a, b, c with a at (0,0), b at (1,0), c at (0,1). Throws BadInput
// when the three points are (nearly) on one line.
LatentPlane planeThroughPoints(const std::vector<float>& a, const std::vector<float>& b,
                               const std::vector<float>& c);
// Latent dimensions i and j through the origin (the identity map for a 2-D latent).
LatentPlane axesPlane(int dim, int i = 0, int j = 1);
// All points' map coordinates: 2N floats (u0, v0, u1, v1, ...).
std::vector<float> projectAll(const LatentPlane& plane, const LatentSet& set);

}  // namespace latentlab
