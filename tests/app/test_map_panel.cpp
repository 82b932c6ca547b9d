// The latent map panel driven headless (Dear ImGui without a backend): hovering picks the
// nearest point, a drag produces one decode request per changed cursor position, a click
// selects a point and asks for one reconstruction; the legend shows hidden classes hollow,
// the axes carry ticks in plane units, and the toolbar keeps every control in sight at 2x.
#include <doctest/doctest.h>
#include <imgui.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "app/cursor_decoder.h"
#include "app/panels/label_layout.h"
#include "app/panels/latent_map_panel.h"
#include "app/panels/param_help.h"
#include "app/panels/style.h"
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
  std::map<std::string, ImVec4> rects;  // the last frame's
  bool first = true;

  explicit Harness(ImVec2 window = ImVec2(1200, 800), float scale = 1.f) {
    test::startHeadlessImGui(window);
    // The UI scale as the app applies it: every size scaled, the font twice as large.
    applyAppStyle(ImGui::GetStyle(), scale);
    ImGui::GetIO().FontGlobalScale = scale;
    points.uv = {0, 0, 2, 1, -3, -2, 2.3f, 1.2f};
    points.labels = {0, 1, 2, 1};
    points.classNames = {"a", "b", "c"};
    points.version = 1;
    state.plane = axesPlane(2);
    state.view.halfExtent = 5;
    state.viewSet = true;
    panel.setPlacement(ImVec2(0, 0), window);
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
    rects = ctx.rects;
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

TEST_CASE("a hidden class's legend swatch is hollow, a shown one filled") {
  Harness h;
  h.state.hiddenClasses = {false, true, false};
  h.frame(ImVec2(-100, -100), false);
  const auto& sw = h.panel.swatches();
  REQUIRE(sw.size() == 3);
  CHECK(sw[0].fill == classColor(0));
  CHECK(sw[1].fill == 0);  // hollow
  CHECK(sw[1].border != classColor(1));  // and dimmed
  CHECK((sw[1].border >> IM_COL32_A_SHIFT & 0xFF) < 200);
  CHECK(sw[2].fill == classColor(2));
  // Click the hidden class's row: it comes back, filled.
  ImVec4 row = helpItemRect("legend-class");  // the last row drawn: class 2
  REQUIRE(row.z > 0);
  float rowH = row.w + ImGui::GetStyle().ItemSpacing.y;
  ImVec2 at(std::floor(row.x + row.z * 0.5f), std::floor(row.y - rowH + row.w * 0.5f));  // class 1
  h.frame(at, false);
  h.frame(at, true);
  h.frame(at, false);
  h.frame(at, false);
  CHECK_FALSE(h.state.hiddenClasses[1]);
  CHECK(h.panel.swatches()[1].fill == classColor(1));
}

TEST_CASE("the map's ticks sit at their values in plane units, labels apart") {
  Harness h;
  h.frame(ImVec2(-100, -100), false);
  h.frame(ImVec2(-100, -100), false);
  MapRect r{h.mapRect.x, h.mapRect.y, h.mapRect.z, h.mapRect.w};
  const auto& ticks = h.panel.ticks();
  int us = 0, vs = 0;
  for (const auto& t : ticks) {
    double u, v;
    if (t.vertical) {
      ++vs;
      h.state.view.toPlane(r, r.x, t.screen, u, v);
      CHECK(v == doctest::Approx(t.value).epsilon(1e-3));
    } else {
      ++us;
      h.state.view.toPlane(r, t.screen, r.y, u, v);
      CHECK(u == doctest::Approx(t.value).epsilon(1e-3));
    }
    // Labels inside the map.
    CHECK(t.label.x >= r.x);
    CHECK(t.label.y >= r.y);
    CHECK(t.label.x + t.label.z <= r.x + r.w);
    CHECK(t.label.y + t.label.w <= r.y + r.h);
  }
  // halfExtent 5 on an about 1000 x 770 map: u spans about 13 units, v 10.
  CHECK(us >= 3);
  CHECK(vs >= 3);
  for (size_t i = 0; i < ticks.size(); ++i)
    for (size_t j = i + 1; j < ticks.size(); ++j) CHECK_FALSE(rectsOverlap(ticks[i].label, ticks[j].label));
  // 0 is a tick on both axes (the view is centred on the origin).
  bool zeroU = false, zeroV = false;
  for (const auto& t : ticks) (t.vertical ? zeroV : zeroU) |= std::fabs(t.value) < 1e-9;
  CHECK(zeroU);
  CHECK(zeroV);
}

TEST_CASE("at 2x in a narrow window every toolbar control stays inside the window") {
  for (float width : {520.f, 700.f, 1200.f}) {
    CAPTURE(width);
    Harness h(ImVec2(width, 800), 2.f);
    h.frame(ImVec2(-100, -100), false);
    h.frame(ImVec2(-100, -100), false);
    for (const char* key : {"plane", "pick-points", "fit", "dot-size"}) {
      CAPTURE(key);
      ImVec4 r = helpItemRect(key);
      REQUIRE(r.z > 0);
      CHECK(r.x >= 0);
      CHECK(r.x + r.z <= width);
      CHECK(r.y + r.w <= 800);
    }
    // The map still gets the rest of the window below the toolbar.
    CHECK(h.mapRect.w > 200);
  }
}

TEST_CASE("before any map, the hint sits inside the plot and clear of the axis titles at every scale") {
  auto overlap = [](ImVec4 a, ImVec4 b) {
    return a.x < b.x + b.z && b.x < a.x + a.z && a.y < b.y + b.w && b.y < a.y + a.w;
  };
  for (float scale : {1.f, 1.75f, 2.5f}) {
    CAPTURE(scale);
    Harness h(ImVec2(900, 700), scale);
    h.points = MapPoints{};  // nothing encoded yet
    h.frame(ImVec2(-100, -100), false);
    h.frame(ImVec2(-100, -100), false);
    REQUIRE(h.rects.count("map/empty-hint"));
    REQUIRE(h.rects.count("map/axis-v"));
    ImVec4 hint = h.rects["map/empty-hint"], m = h.mapRect;
    CHECK(hint.z > 0);
    CHECK(hint.x >= m.x);
    CHECK(hint.x + hint.z <= m.x + m.z);
    CHECK(hint.y + hint.w <= m.y + m.w);
    CHECK_FALSE(overlap(hint, h.rects["map/axis-v"]));  // it ran into "PC2" at 1.75 (QA Q23)
    CHECK_FALSE(overlap(hint, h.rects["map/axis-u"]));
  }
}
