// The steering panels' small helpers over the engine's steering API (engine/latent/
// latent_path.h for paths, engine/latent/directions.h for directions): a path as rows of
// latents, and the strip / traversal-grid pictures the panels show and export. Torch-free;
// never touches ImGui or GL; cheap enough for the UI thread except on huge strips.
#pragma once
#include <vector>

#include "engine/data/image.h"
#include "engine/latent/directions.h"

namespace latentlab {

using Latent = std::vector<float>;

// The frames of a path through `points` (2 or more): `stepsPerSegment` frames per segment,
// endpoints included and shared, so every endpoint is a frame; segment i is slerped when
// slerp[i] (else lerped). Throws BadInput on mismatched sizes.
std::vector<Latent> interpolatePath(const std::vector<Latent>& points, const std::vector<bool>& slerp,
                                    int stepsPerSegment);

// Images side by side on a dark background, `gap` pixels apart, scaled by `scale` (RGB).
Image stripImage(const std::vector<Image>& images, int scale = 1, int gap = 2);
// A rows x cols grid of images (row-major), `gap` pixels apart, scaled (RGB).
Image gridImage(const std::vector<Image>& images, int rows, int cols, int scale = 1, int gap = 2);

}  // namespace latentlab
