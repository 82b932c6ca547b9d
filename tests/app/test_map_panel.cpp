// The latent map panel driven headless (Dear ImGui without a backend): hovering picks the
// nearest point, a drag produces one decode request per changed cursor position, a click
// selects a point and asks for one reconstruction.
#include <doctest/doctest.h>
#include <imgui.h>

#include <cmath>
#include <vector>

#include "app/cursor_decoder.h"
#include "app/panels/latent_map_panel.h"
#include "app_test_support.h"

using namespace latentlab;

namespace {
struct Harness {
  AppState state;
  MapPoints points;
  TextureSource textures;
  PointsDrawer drawer;
  LatentMapPanel panel;
  CursorDecoder decoder;
  std::vector<std::vector<float>> decodes;
  std::vector<int64_t> recons;
  ImVec4 mapRect{0, 0, 0, 0};
  bool first = true;

  Harness() {
    test::startHeadlessImGui(ImVec2(1200, 800));
    points.uv = {0, 0, 2, 1, -3, -2, 2.3f, 1.2f};
    points.labels = {0, 1, 2, 1};
    points.classNames = {"a", "b", "c"};
    points.version = 1;
    state.plane = axesPlane(2);
    state.view.halfExtent = 5;
    state.viewSet = true;
    panel.setPlacement(ImVec2(0, 0), ImVec2(1200, 800));
  }
  ~Harness() { ImGui::DestroyContext(); }

  void frame(ImVec2 mouse, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    UiRequests req;
    PanelContext ctx{state, req, textures, drawer};
    ctx.points = &points;
    panel.draw(ctx, first);
    first = false;
    ImGui::Render();
    if (ctx.rects.count("map")) mapRect = ctx.rects["map"];
    decoder.update(state, [&](std::vector<float> z) { decodes.push_back(std::move(z)); });
    decoder.updateSelection(state, [&](int64_t i) { recons.push_back(i); });
  }
  ImVec2 screenOf(double u, double v) const {
    float x, y;
    state.view.toScreen(MapRect{mapRect.x, mapRect.y, mapRect.z, mapRect.w}, u, v, x, y);
    // ImGui floors the mouse position, so tests move the mouse to whole pixels.
    return ImVec2(std::floor(x), std::floor(y));
  }
};
}  // namespace

TEST_CASE("hovering picks the nearest point") {
  Harness h;
  h.frame(ImVec2(-100, -100), false);
  h.frame(ImVec2(-100, -100), false);
  REQUIRE(h.mapRect.z > 100);
  ImVec2 p = h.screenOf(2, 1);
  h.frame(ImVec2(p.x + 2, p.y - 1), false);
  h.frame(ImVec2(p.x + 2, p.y - 1), false);
  CHECK(h.panel.hovered() == 1);
  ImVec2 q = h.screenOf(2.3, 1.2);
  h.frame(ImVec2(q.x + 1, q.y), false);
  CHECK(h.panel.hovered() == 3);
  h.state.hiddenClasses = {false, true, false};  // hiding class 1 hides both points
  h.frame(ImVec2(q.x + 1, q.y), false);
  CHECK(h.panel.hovered() == -1);
  CHECK(h.decodes.empty());  // hovering never decodes
}

TEST_CASE("a drag produces one decode request per changed position") {
  Harness h;
  h.frame(ImVec2(-100, -100), false);
  h.frame(ImVec2(-100, -100), false);
  ImVec2 c = h.screenOf(-1, -1);  // empty space
  std::vector<ImVec2> path{c, ImVec2(c.x + 5, c.y), ImVec2(c.x + 5, c.y), ImVec2(c.x + 9, c.y + 3),
                           ImVec2(c.x + 9, c.y + 3), ImVec2(c.x + 9, c.y + 3), ImVec2(c.x + 20, c.y + 10)};
  for (auto& p : path) h.frame(p, true);
  h.frame(path.back(), false);
  h.frame(path.back(), false);
  REQUIRE(h.decodes.size() == 4);  // four distinct positions, repeats coalesced
  // The last request decodes exactly the latent under the last mouse position.
  MapRect r{h.mapRect.x, h.mapRect.y, h.mapRect.z, h.mapRect.w};
  double u, v;
  h.state.view.toPlane(r, path.back().x, path.back().y, u, v);
  CHECK(h.decodes.back()[0] == doctest::Approx(u).epsilon(1e-5));
  CHECK(h.decodes.back()[1] == doctest::Approx(v).epsilon(1e-5));
  CHECK(h.state.hasCursor);
  CHECK(h.state.selected == -1);  // a drag is not a click
  CHECK(h.recons.empty());
}

TEST_CASE("a click on a point selects it and asks for one reconstruction") {
  Harness h;
  h.frame(ImVec2(-100, -100), false);
  h.frame(ImVec2(-100, -100), false);
  ImVec2 p = h.screenOf(-3, -2);
  h.frame(p, false);
  h.frame(p, true);
  h.frame(p, false);
  h.frame(p, false);
  CHECK(h.state.selected == 2);
  REQUIRE(h.recons.size() == 1);
  CHECK(h.recons[0] == 2);
  CHECK(h.decodes.size() == 1);  // the click also placed the cursor there
}
