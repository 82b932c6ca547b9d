// What a latent-diffusion run draws on the latent map: the path of x_t from the starting
// noise to the finished sample, up to the step the Diffusion panel shows, with the predicted
// x0 of that step; on the Forward noising tab, the noised data point and the line from its
// clean position. Needs the map's plane to be of the diffusion model's latent (the map of a
// latent-diffusion bundle is its VAE's); draws nothing otherwise.
#pragma once
#include <imgui.h>

#include "app/map_view.h"
#include "app/panels/panel.h"

namespace latentlab {

void drawDiffusionOverlay(PanelContext& ctx, ImDrawList* dl, const MapRect& r);

}  // namespace latentlab
