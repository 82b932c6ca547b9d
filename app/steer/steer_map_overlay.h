// Draws the steering panels' latent-space marks on the latent map (AppState::latentOverlays):
// an interpolation path with its endpoints and the shown frame, a slider edit's line from
// where it started to where it went. Called by the map panel inside its clip rectangle;
// places latents as the map does (its plane, or a t-SNE / UMAP map's kNN blend) and draws
// nothing for latents it cannot place. Never changes state.
#pragma once
#include <imgui.h>

#include "app/map_view.h"
#include "app/panels/panel.h"

namespace latentlab {

void drawSteerOverlay(PanelContext& ctx, ImDrawList* dl, const MapRect& r);

// For panels: replace `owner`'s overlay with `o` (stamped with this frame).
void setLatentOverlay(AppState& s, AppState::LatentOverlay o);

}  // namespace latentlab
