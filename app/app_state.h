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

  bool classHidden(int label) const {
    return label >= 0 && size_t(label) < hiddenClasses.size() && hiddenClasses[size_t(label)];
  }
};

}  // namespace latentlab
