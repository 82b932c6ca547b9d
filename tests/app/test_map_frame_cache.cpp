// The map panel with the cached points layer (app/map/points_layer.h), driven through ImGui
// input headless: hovering, a click selecting a dot and unchanged frames reuse the layer
// (same version, same pixels); a right-drag pan, wheel zoom, a legend click hiding a class
// and a new layout frame redraw it, and its pixels then show the dots where the view puts
// them (or the background where a hidden class was).
#include <doctest/doctest.h>
#include <imgui.h>

#include <cmath>
#include <vector>

#include "app/map/points_layer.h"
#include "app/panels/latent_map_panel.h"
#include "app/panels/param_help.h"
#include "app_test_support.h"

using namespace latentlab;

namespace {
// The GL drawer without GL: the same layer and view conversion, no texture.
struct LayerDrawer : PointsDrawer {
  PointsLayer layer;
  bool draw(ImDrawList*, const MapPoints& p, const std::vector<bool>& hidden, const View& v) override {
    layer.update(p, hidden, layerView(v, ImGui::GetIO().DisplayFramebufferScale));
    return true;
  }
};

struct Harness {
  AppState state;
  MapPoints points;
  TextureSource textures;
  LayerDrawer drawer;
  LatentMapPanel panel;
  ImVec4 mapRect{0, 0, 0, 0};
  bool first = true;

  Harness() {
    test::startHeadlessImGui(ImVec2(1000, 700));
    // Four dots well apart, one per class.
    points.uv = {0, 0, 2, 1, -3, -2, 1.5f, -2.5f};
    points.labels = {0, 1, 2, 3};
    points.classNames = {"a", "b", "c", "d"};
    points.version = 1;
    state.plane = axesPlane(2);
    state.view.halfExtent = 5;
    state.viewSet = true;
    panel.setPlacement(ImVec2(0, 0), ImVec2(1000, 700));
  }
  ~Harness() { ImGui::DestroyContext(); }

  void frame(ImVec2 mouse, bool left = false, bool right = false, float wheel = 0) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = left;
    io.MouseDown[1] = right;
    io.MouseWheel = wheel;
    ImGui::NewFrame();
    UiRequests req;
    PanelContext ctx{state, req, textures, drawer};
    ctx.points = &points;
    panel.draw(ctx, first);
    first = false;
    ImGui::Render();
    if (ctx.rects.count("map")) mapRect = ctx.rects["map"];
  }
  MapRect rect() const { return MapRect{mapRect.x, mapRect.y, mapRect.z, mapRect.w}; }
  ImVec2 screenOf(size_t i) const {
    float x, y;
    state.view.toScreen(rect(), points.uv[2 * i], points.uv[2 * i + 1], x, y);
    return ImVec2(std::floor(x), std::floor(y));
  }
  // The layer's pixel under dot i's centre (layer pixels = screen pixels at scale 1).
  const uint8_t* pixelOf(size_t i) const {
    float x, y;
    state.view.toScreen(rect(), points.uv[2 * i], points.uv[2 * i + 1], x, y);
    return drawer.layer.image().at(int(std::floor(x - mapRect.x)), int(std::floor(y - mapRect.y)));
  }
  bool shows(size_t i, ImU32 col) const {
    const uint8_t* p = pixelOf(i);
    return p[0] == (col & 0xff) && p[1] == ((col >> 8) & 0xff) && p[2] == ((col >> 16) & 0xff);
  }
};

struct Snapshot {
  uint64_t version;
  std::vector<uint8_t> pixels;
};
Snapshot snap(const Harness& h) { return {h.drawer.layer.version(), h.drawer.layer.image().pixels}; }
bool same(const Harness& h, const Snapshot& s) {
  return h.drawer.layer.version() == s.version && h.drawer.layer.image().pixels == s.pixels;
}
}  // namespace

TEST_CASE("the cached map layer redraws for view, hidden classes and new layouts, not for hover or clicks") {
  Harness h;
  ImVec2 away(-100, -100);
  for (int k = 0; k < 3; ++k) h.frame(away);  // the window settles its size in the first frames
  REQUIRE(h.mapRect.z > 200);
  const size_t base = h.drawer.layer.fullRedraws();
  for (size_t i = 0; i < 4; ++i) CHECK(h.shows(i, classColor(int(i))));
  Snapshot s = snap(h);

  // Unchanged frames, hovering a dot (its tooltip shows), clicking it: the same layer.
  h.frame(away);
  ImVec2 p = h.screenOf(1);
  h.frame(p);
  h.frame(p);
  CHECK(h.panel.hovered() == 1);
  h.frame(p, true);
  h.frame(p);
  h.frame(p);
  CHECK(h.state.selected == 1);
  CHECK(same(h, s));
  CHECK(h.drawer.layer.fullRedraws() == base);

  SUBCASE("a right-drag pan shifts the layer with the dots") {
    ImVec2 c(std::floor(h.mapRect.x + h.mapRect.z * 0.5f), std::floor(h.mapRect.y + h.mapRect.w * 0.5f));
    double u0 = h.state.view.centerU;
    h.frame(c);
    h.frame(c, false, true);
    for (int k = 1; k <= 6; ++k) h.frame(ImVec2(c.x + 5 * k, c.y + 2 * k), false, true);
    // Checked in the frame of the last move itself: the dots move in the same frame as the
    // view (and its tick labels), not one frame later (the window may then sit idle).
    REQUIRE(h.state.view.centerU != u0);  // the view moved
    CHECK_FALSE(same(h, s));
    CHECK(h.drawer.layer.fullRedraws() == base);  // whole-pixel steps: shifted, not redrawn
    CHECK(h.drawer.layer.shiftedRedraws() >= 1);
    for (size_t i = 0; i < 4; ++i) CHECK(h.shows(i, classColor(int(i))));
    // And that matches drawing the panned view afresh, pixel for pixel.
    PointsLayer fresh;
    PointsDrawer::View v{ImVec2(h.mapRect.x, h.mapRect.y), ImVec2(h.mapRect.x + h.mapRect.z, h.mapRect.y + h.mapRect.w),
                         h.state.view.centerU, h.state.view.centerV, h.state.view.pixelsPerUnit(h.rect()),
                         h.state.pointSize};
    fresh.update(h.points, h.state.hiddenClasses, layerView(v, ImVec2(1, 1)));
    CHECK(fresh.image().pixels == h.drawer.layer.image().pixels);
  }
  SUBCASE("wheel zoom redraws") {
    ImVec2 c(std::floor(h.mapRect.x + h.mapRect.z * 0.3f), std::floor(h.mapRect.y + h.mapRect.w * 0.4f));
    h.frame(c);
    h.frame(c, false, false, 1.f);  // checked in the wheel's own frame, as the pan
    CHECK(h.drawer.layer.fullRedraws() == base + 1);
    for (size_t i = 0; i < 4; ++i) CHECK(h.shows(i, classColor(int(i))));
  }
  SUBCASE("a legend click hiding a class redraws without its dots") {
    ImVec4 row = helpItemRect("legend-class");  // the last row drawn: class 3
    REQUIRE(row.z > 0);
    float rowH = row.w + ImGui::GetStyle().ItemSpacing.y;
    ImVec2 at(std::floor(row.x + row.z * 0.5f), std::floor(row.y - 2 * rowH + row.w * 0.5f));  // class 1
    h.frame(at);
    h.frame(at, true);
    h.frame(at);
    h.frame(at);
    REQUIRE(h.state.classHidden(1));
    CHECK(h.drawer.layer.fullRedraws() == base + 1);
    CHECK(h.shows(1, PointsLayer::kBackground));
    CHECK(h.shows(0, classColor(0)));
  }
  SUBCASE("a new layout frame redraws with the dots where they now are") {
    h.points.uv = {-1, 1, 3, -1, 0.5f, 2, -2.5f, -0.5f};
    ++h.points.version;
    h.frame(away);
    CHECK(h.drawer.layer.fullRedraws() == base + 1);
    for (size_t i = 0; i < 4; ++i) CHECK(h.shows(i, classColor(int(i))));
    h.frame(away);
    CHECK(h.drawer.layer.fullRedraws() == base + 1);
  }
}
