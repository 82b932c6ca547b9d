// Latent paths: lerp/slerp per segment in double precision (see latent_path.h).
#include "engine/latent/latent_path.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/util/errors.h"

namespace latentlab {

std::vector<float> lerpLatent(const std::vector<float>& a, const std::vector<float>& b, double t) {
  if (a.size() != b.size()) throw BadInput("interpolation endpoints have different sizes");
  std::vector<float> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = float(double(a[i]) + (double(b[i]) - double(a[i])) * t);
  return out;
}

std::vector<float> slerpLatent(const std::vector<float>& a, const std::vector<float>& b, double t) {
  if (a.size() != b.size()) throw BadInput("interpolation endpoints have different sizes");
  double na = 0, nb = 0, dot = 0;
  for (size_t i = 0; i < a.size(); ++i) na += double(a[i]) * a[i], nb += double(b[i]) * b[i], dot += double(a[i]) * b[i];
  na = std::sqrt(na), nb = std::sqrt(nb);
  if (na < 1e-12 || nb < 1e-12) return lerpLatent(a, b, t);
  double omega = std::acos(std::clamp(dot / (na * nb), -1.0, 1.0));
  double s = std::sin(omega);
  if (s < 1e-6) return lerpLatent(a, b, t);  // parallel or antiparallel: no unique great circle
  double wa = std::sin((1 - t) * omega) / s, wb = std::sin(t * omega) / s;
  std::vector<float> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = float(wa * a[i] + wb * b[i]);
  return out;
}

int64_t latentPathRows(int64_t endpoints, int stepsPerSegment) {
  return endpoints < 2 ? 0 : (endpoints - 1) * (stepsPerSegment - 1) + 1;
}

std::vector<float> latentPath(const std::vector<std::vector<float>>& endpoints, int stepsPerSegment,
                              const std::vector<InterpMode>& modes) {
  if (endpoints.size() < 2) throw UsageError("a path needs at least 2 endpoints");
  if (stepsPerSegment < 2) throw UsageError("interpolation needs at least 2 steps per segment");
  const size_t segments = endpoints.size() - 1;
  if (modes.size() != 1 && modes.size() != segments)
    throw UsageError("a path of " + std::to_string(segments) + " segments needs 1 or " + std::to_string(segments) +
                     " interpolation modes, got " + std::to_string(modes.size()));
  for (const auto& e : endpoints)
    if (e.size() != endpoints[0].size()) throw BadInput("path endpoints have different sizes");
  std::vector<float> out;
  out.reserve(size_t(latentPathRows(int64_t(endpoints.size()), stepsPerSegment)) * endpoints[0].size());
  for (size_t s = 0; s < segments; ++s) {
    InterpMode mode = modes.size() == 1 ? modes[0] : modes[s];
    for (int k = s == 0 ? 0 : 1; k < stepsPerSegment; ++k) {
      double t = double(k) / (stepsPerSegment - 1);
      // The exact endpoints, not a rounding of them, so a path passes through its points.
      auto z = k == stepsPerSegment - 1 ? endpoints[s + 1]
               : mode == InterpMode::Slerp ? slerpLatent(endpoints[s], endpoints[s + 1], t)
                                           : lerpLatent(endpoints[s], endpoints[s + 1], t);
      if (k == 0) z = endpoints[s];
      out.insert(out.end(), z.begin(), z.end());
    }
  }
  return out;
}

}  // namespace latentlab
