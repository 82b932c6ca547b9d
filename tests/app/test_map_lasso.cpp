// Steering groups picked on the map (app/map_lasso.h): the even-odd polygon test against
// shapes whose inside is known by math, the lasso's bookkeeping (box pre-test, hidden points,
// no duplicates, sorted), Shift/Ctrl + click toggling, and the real map panel driven by
// ImGui input: Shift + drag fills group A with exactly the dots inside, Ctrl + drag group B;
// the outlines go when another plane or model moves the dots, the groups stay.
#include <doctest/doctest.h>
#include <imgui.h>

#include <cmath>

#include "app/gui_app.h"
#include "app/map_lasso.h"
#include "app/map_points.h"
#include "app/panels/latent_map_panel.h"
#include "app_test_support.h"
#include "gui_app_harness.h"

using namespace latentlab;

TEST_CASE("insidePolygon: a square, a concave L and a triangle, against their definitions") {
  std::vector<LassoPoint> square = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
  // L shape: the square minus its top-right quarter (x > 5 and y > 5 is outside).
  std::vector<LassoPoint> ell = {{0, 0}, {10, 0}, {10, 5}, {5, 5}, {5, 10}, {0, 10}};
  std::vector<LassoPoint> tri = {{0, 0}, {8, 0}, {0, 8}};  // inside: x + y < 8, x > 0, y > 0
  for (float y = -1.25f; y < 11; y += 0.5f)
    for (float x = -1.25f; x < 11; x += 0.5f) {
      CAPTURE(x);
      CAPTURE(y);
      bool inSquare = x > 0 && x < 10 && y > 0 && y < 10;
      CHECK(insidePolygon(square, x, y) == inSquare);
      CHECK(insidePolygon(ell, x, y) == (inSquare && !(x > 5 && y > 5)));
      CHECK(insidePolygon(tri, x, y) == (x > 0 && y > 0 && x + y < 8));
    }
  CHECK_FALSE(insidePolygon({{0, 0}, {5, 5}}, 1, 1));  // two points hold nothing
}

TEST_CASE("a lasso adds the points inside, skips hidden ones, keeps groups sorted without duplicates") {
  // Points on a 10 x 10 grid at (i % 10, i / 10); the lasso is the box (2.5..6.5) x (3.5..5.5).
  auto toScreen = [](size_t i, float& x, float& y) { x = float(i % 10), y = float(i / 10); };
  auto hideOdd = [](size_t i) { return i % 2 == 1; };
  std::vector<int64_t> group = {99, 44};
  std::sort(group.begin(), group.end());
  MapLasso lasso;
  lasso.begin(0, 2.5f, 3.5f);
  lasso.add(2.6f, 3.5f);  // under 2 pixels from the last point: ignored
  CHECK(lasso.polygon().size() == 1);
  for (auto [x, y] : {std::pair{6.5f, 3.5f}, {6.5f, 5.5f}, {2.5f, 5.5f}}) lasso.add(x, y);
  int added = lasso.finish(100, toScreen, hideOdd, group);
  // Inside: x in 3..6, y in 4..5 -> items 43..46 and 53..56; the even ones are shown.
  std::vector<int64_t> expect = {44, 46, 54, 56, 99};
  CHECK(group == expect);
  CHECK(added == 3);  // 44 was already there
  CHECK_FALSE(lasso.active());

  MapLasso::toggle(group, 46);
  CHECK(group == std::vector<int64_t>{44, 54, 56, 99});
  MapLasso::toggle(group, 50);
  CHECK(group == std::vector<int64_t>{44, 50, 54, 56, 99});
}

namespace {
void frame(GuiApp& app, ImVec2 p, bool down, bool shift, bool ctrl) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = down;
  io.KeyShift = shift;
  io.KeyCtrl = ctrl;
  app.headlessFrame();
}

// Drags a closed rectangle lasso x0..x1 x y0..y1 with the modifier held.
void lassoRect(GuiApp& app, float x0, float y0, float x1, float y1, bool ctrl) {
  frame(app, ImVec2(x0, y0), false, !ctrl, ctrl);
  frame(app, ImVec2(x0, y0), true, !ctrl, ctrl);
  for (ImVec2 p : {ImVec2(x1, y0), ImVec2(x1, y1), ImVec2(x0, y1), ImVec2(x0, y0 + 1)}) frame(app, p, true, !ctrl, ctrl);
  frame(app, ImVec2(x0, y0 + 1), false, !ctrl, ctrl);
  frame(app, ImVec2(x0, y0 + 1), false, false, false);
}

std::vector<int64_t> dotsInside(GuiApp& app, float x0, float y0, float x1, float y1) {
  const AppState& s = app.state();
  ImVec4 m = app.rects().at("map");
  MapRect r{m.x, m.y, m.z, m.w};
  const MapPoints* pts = &app.engine().points();
  std::vector<int64_t> out;
  for (size_t i = 0; i < pts->count(); ++i) {
    float x, y;
    s.view.toScreen(r, pts->uv[2 * i], pts->uv[2 * i + 1], x, y);
    if (x > x0 && x < x1 && y > y0 && y < y1) out.push_back(int64_t(i));
  }
  return out;
}
}  // namespace

TEST_CASE("Shift + drag on the map lassoes dots into group A, Ctrl + drag into group B; the cursor stays") {
  test::startHeadlessImGui(ImVec2(1600, 1000));
  {
    auto app = test::makeHeadlessApp(test::sourcePath("assets/models/fashion-vae-16"), test::smallFashion(300), 2);
    REQUIRE(test::framesUntil(*app, [&] { return app->engine().latents() && app->engine().points().count() > 0; }));
    app->headlessFrame();
    REQUIRE(app->rects().count("map"));
    ImVec4 m = app->rects().at("map");
    const double cu = app->state().cursorU, cv = app->state().cursorV;
    float ax0 = m.x + m.z * 0.2f, ay0 = m.y + m.w * 0.2f, ax1 = m.x + m.z * 0.5f, ay1 = m.y + m.w * 0.6f;
    auto inA = dotsInside(*app, ax0, ay0, ax1, ay1);
    REQUIRE(inA.size() >= 5);
    lassoRect(*app, ax0, ay0, ax1, ay1, false);
    CHECK(app->state().steerGroups[0] == inA);
    CHECK(app->state().steerGroups[1].empty());
    CHECK(app->state().cursorU == cu);
    CHECK(app->state().cursorV == cv);

    float bx0 = m.x + m.z * 0.55f, by0 = m.y + m.w * 0.3f, bx1 = m.x + m.z * 0.8f, by1 = m.y + m.w * 0.7f;
    auto inB = dotsInside(*app, bx0, by0, bx1, by1);
    REQUIRE(inB.size() >= 5);
    lassoRect(*app, bx0, by0, bx1, by1, true);
    CHECK(app->state().steerGroups[1] == inB);
    CHECK(app->state().steerGroups[0] == inA);

    // The outlines are plane coordinates of where the dots were: another plane moves the dots,
    // so the outlines go while the groups (data items) stay; so does another model's map.
    auto* map = dynamic_cast<LatentMapPanel*>(app->panel("map"));
    REQUIRE(map);
    CHECK(map->lassoOutlines(0) == 1);
    CHECK(map->lassoOutlines(1) == 1);
    app->headlessFrame();  // a frame without a change keeps them
    CHECK(map->lassoOutlines(0) == 1);
    app->state().planeMode = "axes";
    app->state().axisI = 2;
    app->state().axisJ = 5;
    app->engine().applyPlane(app->state());  // what the map's plane chooser leads to
    app->headlessFrame();
    CHECK(map->lassoOutlines(0) == 0);
    CHECK(map->lassoOutlines(1) == 0);
    CHECK(app->state().steerGroups[0] == inA);
    CHECK(app->state().steerGroups[1] == inB);

    // A lasso on the new plane has its outline again, until the model changes.
    lassoRect(*app, ax0, ay0, ax1, ay1, false);
    CHECK(map->lassoOutlines(0) == 1);
    CHECK(map->lassoOutlines(1) == 0);
    app->openModel(test::sourcePath("assets/models/fashion-vae-2"));
    REQUIRE(test::framesUntil(*app, [&] {
      return app->engine().latents() && app->engine().latents()->dim == 2 && app->engine().points().count() > 0;
    }));
    app->headlessFrame();
    CHECK(map->lassoOutlines(0) == 0);
    CHECK(map->lassoOutlines(1) == 0);
  }
  ImGui::DestroyContext();
}
