// A headless ImGui frame loop around one DiffusionPanel and a real EngineClient: each
// frame polls the client, draws the panel and hands its requests to applyDiffusionRequests,
// exactly as the app does with a click.
#pragma once
#include <optional>

#include "app/diffusion_requests.h"
#include "app/panels/diffusion_panel.h"
#include "app_test_support.h"

namespace latentlab::test {

struct DiffusionPanelHarness {
  EngineClient e{1};
  AppState s;
  TextureSource textures;
  PointsDrawer drawer;
  DiffusionPanel panel;
  UiRequests last;  // what the panel asked for in the latest frame
  int runs = 0;     // frames that started a run
  DiffusionPanelHarness() {
    startHeadlessImGui(ImVec2(1000, 800));
    panel.setPlacement(ImVec2(0, 0), ImVec2(1000, 800));
  }
  ~DiffusionPanelHarness() { ImGui::DestroyContext(); }
  // One frame; `shortcut`, when given, is routed to the panel as the app does with a global
  // key (Enter, Shift+Enter) whatever window has focus.
  void frame(std::optional<ShortcutId> shortcut = std::nullopt) {
    e.poll(s);
    ImGui::NewFrame();
    UiRequests req;
    PanelContext ctx{s, req, textures, drawer};
    ctx.engine = &e;
    if (shortcut) panel.onShortcut(*shortcut, ctx);
    panel.draw(ctx, true);
    ImGui::Render();
    applyDiffusionRequests(req, e, s);
    if (req.runSample) ++runs;
    last = req;
  }
};

}  // namespace latentlab::test
