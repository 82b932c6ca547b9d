// Paths through latent space for the Interpolation panel and `render interp`: several
// endpoints (A -> B -> C ...), lerp or slerp per segment, K images per segment. Torch-free
// plain float math (the app calls it on the main thread for the drawn path, too). Never
// decodes anything.
#pragma once
#include <cstdint>
#include <vector>

namespace latentlab {

enum class InterpMode { Lerp, Slerp };

// Linear and spherical interpolation of two latents at t in [0, 1] (double inside). Slerp
// falls back to lerp when a and b are (nearly) parallel or one is zero; between endpoints of
// equal norm it keeps that norm (lerp shrinks it in the middle).
std::vector<float> lerpLatent(const std::vector<float>& a, const std::vector<float>& b, double t);
std::vector<float> slerpLatent(const std::vector<float>& a, const std::vector<float>& b, double t);

// A path through endpoints.size() >= 2 latents of equal size: `stepsPerSegment` (>= 2)
// images from each endpoint to the next, inclusive, shared endpoints once, so the path has
// (endpoints - 1) * (stepsPerSegment - 1) + 1 rows, row-major. `modes` holds one mode per
// segment, or one for all. Throws BadInput (sizes) / UsageError (counts).
std::vector<float> latentPath(const std::vector<std::vector<float>>& endpoints, int stepsPerSegment,
                              const std::vector<InterpMode>& modes);
// Rows of such a path.
int64_t latentPathRows(int64_t endpoints, int stepsPerSegment);

}  // namespace latentlab
