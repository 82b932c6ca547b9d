// What the steering panels add for a VQ model (a latent that is a grid of code vectors,
// engine/tokens/vq_latent.h): the "Snap to codebook" switch, shared by every decode of the
// model (AppState::snapToCodebook), and which tokens a steered latent changed: the cells
// whose nearest code differs from a reference (endpoint A of a path, the latent before the
// sliders) are outlined on the decoded picture, counted in a caption, and listed as a token
// grid in its tooltip. Nothing here for other models. ImGui only; never calls torch or GL.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

#include "app/panels/flow_row.h"
#include "app/panels/panel.h"

namespace latentlab {

struct ModelInfo;

// The loaded model's info when its latent is a VQ grid (codebookSize > 0), else nullptr.
const ModelInfo* vqModelInfo(const PanelContext& ctx);

// The switch (a check box in `row`) with its explanation as tooltip; keeps the model's own
// switch equal to AppState's every frame (a switch, not a computation: it never blocks).
// Returns true when the user changed it this frame. Draws nothing for other models.
bool drawSnapToggle(PanelContext& ctx, FlowRow& row);

// The token grids of a decode (rows x cols each, raster order) next to the picture they
// belong to: `before` the reference, `after` what was decoded.
struct TokenChange {
  std::vector<int> before, after;
  int changed() const;
};

// Outlines the changed cells on the picture drawn at [pos, pos + size] (rows x cols cells),
// and shows both grids as a tooltip while the mouse is over the picture.
void drawTokenCells(const TokenChange& t, int rows, int cols, ImVec2 pos, ImVec2 size, const char* since);
// "12 of 49 tokens differ from A" (or "" when there is nothing to compare).
std::string tokenChangeCaption(const TokenChange& t, const char* since);

}  // namespace latentlab
