// The GUI's single source of truth: what a session saves and restores. Panels read it and
// write to it; the app turns changes into engine requests. Plain data: no GL, no engine calls.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/map_view.h"
#include "engine/explore/latent_plane.h"

namespace latentlab {

struct AppState {
  std::string modelDir;
  std::string dataSpec = "fashion-mnist:test";
  std::string device = "auto";

  // Map plane. mode: "pca" (computed from the encoded data), "axes" (latent dims axisI/axisJ),
  // "points" (through data items planePoints), "custom" (the vectors in `plane`, as saved).
  std::string planeMode = "pca";
  std::array<int64_t, 3> planePoints{{-1, -1, -1}};
  int axisI = 0, axisJ = 1;
  LatentPlane plane;  // the plane in use; empty until computed or restored

  MapView view;
  bool viewSet = false;  // false: fit the view to the data once it is encoded
  std::vector<bool> hiddenClasses;
  float pointSize = 3.f;

  bool hasCursor = false;
  double cursorU = 0, cursorV = 0;
  int64_t selected = -1;

  bool nearestFilter = true;
  int gridK = 10;
  bool gridOverlay = false;
  // A grid was asked for (restored sessions redraw it). On by default: the manifold picture
  // is one of the first things a class wants to see.
  bool gridRequested = true;

  // Not saved: what the Diffusion panel shows this frame, for the map's overlays (the
  // sampling trajectory on "denoise"/"compare", the noised point on "noise").
  std::string diffusionTab;
  int diffusionShownStep = -1;

  float uiScale = 1.f;
  std::map<std::string, bool> showNotes;  // per panel id
  // Per panel id: {"open": bool, ...its own saveState()}. Filled by GuiApp before a save,
  // handed back to the panels after an open; ids no panel claims are kept as they are.
  std::map<std::string, nlohmann::json> panels;

  // Not saved (the steering panels keep their own state): the current latent's edits on top
  // of the map cursor's latent. steerEdit: per-dimension changes (Latent inspector bars, a
  // jump to a data point); steerDirections: the Directions sliders' summed move. Empty = none.
  // The steered latent is cursor + steerEdit + steerDirections (app/steer/steer_latent.h).
  std::vector<float> steerEdit, steerDirections;
  // Two groups of data items (sorted) for a supervised direction: lassoed on the map (Shift +
  // drag = A, Ctrl + drag = B, app/map_lasso.h) or added in the Directions panel, which
  // saves them in its session state.
  std::vector<int64_t> steerGroups[2];
  // Not saved: latent-space lines and marks a panel wants drawn on the map (an interpolation
  // path, a slider's start -> end), rewritten by that panel every frame it draws; the map
  // draws those of the current or the previous frame (a closed panel's mark disappears).
  struct LatentOverlay {
    std::string owner;                      // the panel id
    std::vector<std::vector<float>> line;   // a polyline through these latents
    std::vector<std::vector<float>> marks;  // labelled points
    std::vector<std::string> labels;        // one per mark
    int current = -1;                       // line index drawn larger (the shown frame)
    uint32_t color = 0xffffffff;            // ImU32
    int frame = 0;                          // ImGui frame it was written in
  };
  std::vector<LatentOverlay> latentOverlays;
  // Not saved: a panel is playing an animation (the Interpolation panel's Play), so the
  // window keeps drawing frames instead of waiting for input.
  bool animating = false;

  // Not saved: the class a conditional decoder (a GAN) draws the map cursor and the manifold
  // grid as (-1 = the model's default); the Seed grid's class selector sets it.
  int decodeClass = -1;
  // A VQ model's decodes snap each cell of its code-vector latent to the nearest code first
  // (engine/tokens/vq_latent.h); the steering panels' "Snap to codebook" switch.
  bool snapToCodebook = true;

  // Not saved: the decode cursor's latent on a map with no exact plane (t-SNE, UMAP: plane
  // is empty there), the inverse blend the map panel computes; empty on a plane.
  std::vector<float> mapLatent;

  bool classHidden(int label) const {
    return label >= 0 && size_t(label) < hiddenClasses.size() && hiddenClasses[size_t(label)];
  }
};

}  // namespace latentlab
