// The steering panels (app/steer/) in a headless GuiApp with the real engine, driven the way
// a user drives them: a Directions slider dragged with the mouse moves the latent by value x
// sigma along its direction and the picture is the decode of exactly that latent; a bar of
// the Latent inspector dragged to a height sets that latent value; a click on a nearest
// neighbour moves the latent onto the data point; the Interpolation strip is the decode of a
// path that starts and ends on its endpoints, Play advances it and Pause stops it, and the
// path is handed to the map; a session keeps the directions and the path.
#include <doctest/doctest.h>

#include <numeric>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/gui_app.h"
#include "app/panels/param_help.h"
#include "app/session.h"
#include "app/steer/directions_panel.h"
#include "app/steer/inspector_panel.h"
#include "app/steer/interp_panel.h"
#include "app/steer/steer_latent.h"
#include "app_test_support.h"
#include "engine/latent/directions.h"
#include "engine/explore/explorer.h"
#include "engine/export/gif_writer.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {
using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

using test::click;

std::unique_ptr<GuiApp> readyApp() {
  auto app = test::makeHeadlessApp(test::sourcePath("assets/models/fashion-vae-16"), test::smallFashion(300), 2);
  REQUIRE(test::framesUntil(*app, [&] { return app->engine().latents() && !app->engine().cursorImage.empty(); }));
  return app;
}

// Opens the Latent inspector (closed by default) and draws it until its bars are there.
InspectorPanel* openInspector(GuiApp& app) {
  auto* ins = dynamic_cast<InspectorPanel*>(app.panel("inspector"));
  REQUIRE(ins);
  ins->open = true;
  app.headlessFrame();
  app.headlessFrame();
  REQUIRE(app.rects().count("inspector/bars"));
  return ins;
}

Image decodeHere(GuiApp& app, const std::vector<float>& z) { return app.engine().exploreModel()->decode(z); }
}  // namespace

TEST_CASE("a Directions slider dragged with the mouse moves the latent along its direction, re-decoded") {
  Headless h;
  auto app = readyApp();
  auto* dirs = dynamic_cast<DirectionsPanel*>(app->panel("directions"));
  REQUIRE(dirs);
  CHECK_FALSE(dirs->open);  // listed in View, closed until opened (no room at 1024 x 700)
  dirs->open = true;
  REQUIRE(test::framesUntil(*app, [&] { return !dirs->pca().empty(); }));
  dirs->set().add(dirs->pca()[0]);
  app->headlessFrame();
  app->headlessFrame();
  REQUIRE(app->rects().count("directions/slider0"));
  CHECK(app->state().steerDirections.empty());  // nothing moved yet
  ImVec4 r = app->rects().at("directions/slider0");
  ImVec2 from(r.x + r.z * 0.5f, r.y + r.w * 0.5f), to(r.x + r.z * 0.9f, r.y + r.w * 0.5f);
  test::mouseFrame(*app, from);
  test::mouseFrame(*app, from, true);
  test::mouseFrame(*app, to, true);
  test::mouseFrame(*app, to, true);
  test::mouseFrame(*app, to);
  float v = dirs->set().sliders()[0].value;
  CHECK(v > 1.5f);
  CHECK(v < 3.f);
  const Direction& d = dirs->set().sliders()[0].dir;
  const auto& move = app->state().steerDirections;
  REQUIRE(move.size() == d.vector.size());
  for (size_t k = 0; k < move.size(); ++k) CHECK(move[k] == doctest::Approx(v * d.sigma * d.vector[k]).epsilon(1e-4));
  std::vector<float> z = steeredLatentOf(app->state());
  std::vector<float> cursor = cursorLatentOf(app->state());
  CHECK(std::sqrt(dotOf(move, move)) == doctest::Approx(v * d.sigma).epsilon(1e-4));
  REQUIRE(test::framesUntil(*app, [&] { return dirs->decodedLatent() == z; }));
  CHECK(dirs->image().pixels == decodeHere(*app, z).pixels);
  CHECK(dirs->image().pixels != decodeHere(*app, cursor).pixels);  // the picture did change
  // The map is handed the move: a line from the start to the moved latent.
  bool drawn = false;
  for (auto& o : app->state().latentOverlays)
    if (o.owner == "directions") drawn = o.line.size() == 2 && o.line[0] == cursor && o.line[1] == z;
  CHECK(drawn);
  // The Decoded image panel still shows the cursor's latent: it says so while a slider is moved.
  app->headlessFrame();
  CHECK(app->rects().count("image/decoded-before-steering") == 1);
  // Reset all puts the slider back: the latent is the cursor's again.
  click(*app, ImVec2(helpItemRect("dir-reset-all").x + 3, helpItemRect("dir-reset-all").y + 3));
  CHECK(dirs->set().sliders()[0].value == 0.f);
  app->headlessFrame();
  CHECK(steeredLatentOf(app->state()) == cursor);
  app->headlessFrame();
  CHECK(app->rects().count("image/decoded-before-steering") == 0);  // one picture again: no caption
}

TEST_CASE("a Directions slider keeps its name in view: after the controls, or above them when the row is narrow") {
  Headless h;
  auto app = readyApp();
  auto* dirs = dynamic_cast<DirectionsPanel*>(app->panel("directions"));
  REQUIRE(dirs);
  dirs->open = true;
  REQUIRE(test::framesUntil(*app, [&] { return !dirs->pca().empty(); }));
  dirs->set().add(classDirection(*app->engine().latents(), 7, 9));  // "Sneaker -> Ankle boot": a long name
  for (float scale : {1.f, 1.75f, 2.5f}) {
    CAPTURE(scale);
    app->state().uiScale = scale;
    for (int i = 0; i < 4; ++i) app->headlessFrame();
    REQUIRE(app->rects().count("directions/name0"));
    REQUIRE(app->rects().count("window:directions"));
    ImVec4 name = app->rects().at("directions/name0"), win = app->rects().at("window:directions");
    ImVec4 slider = app->rects().at("directions/slider0");
    CHECK(name.z > 0);
    CHECK(name.x >= win.x);
    CHECK(name.x + name.z <= win.x + win.z + 0.5f);  // not clipped at the panel's right edge
    // Beside the slider on its row, or on the line above it.
    bool beside = name.x >= slider.x + slider.z && std::fabs(name.y - slider.y) < slider.w;
    bool above = name.y + name.w <= slider.y + 0.5f;
    CHECK((beside || above));
  }
}

TEST_CASE("a Latent inspector bar dragged to a height sets that value; a neighbour click moves onto it") {
  Headless h;
  auto app = readyApp();
  InspectorPanel* ins = openInspector(*app);
  CHECK(ins->variances().size() == 16);
  CHECK(ins->activeUnits() > 0);
  CHECK(ins->activeUnits() <= 16);
  std::vector<float> before = steeredLatentOf(app->state());
  ImVec4 r = app->rects().at("inspector/bars");
  float fs = ImGui::GetFontSize();
  float chartH = r.w - fs * 0.5f - 2, mid = r.y + chartH * 0.5f, scale = chartH * 0.5f / ins->range();
  const int k = 5;
  float x = r.x + (k + 0.5f) * r.z / 16;
  test::mouseFrame(*app, ImVec2(x, mid));
  test::mouseFrame(*app, ImVec2(x, mid), true);
  test::mouseFrame(*app, ImVec2(x, mid - 1.5f * scale), true);
  test::mouseFrame(*app, ImVec2(x, mid - 1.5f * scale), true);
  test::mouseFrame(*app, ImVec2(x, mid - 1.5f * scale));
  std::vector<float> after = steeredLatentOf(app->state());
  REQUIRE(after.size() == 16);
  CHECK(std::abs(after[k] - 1.5) <= 1.5 / scale);  // within a pixel and a half of the bar's top
  for (int i = 0; i < 16; ++i)
    if (i != k) CHECK(after[size_t(i)] == doctest::Approx(before[size_t(i)]).epsilon(1e-5));

  // The nearest data points are the 8 smallest distances, in order.
  app->headlessFrame();
  const LatentSet* set = app->engine().latents();
  REQUIRE(ins->nearest().size() == 8);
  std::vector<double> all;
  for (int64_t i = 0; i < set->count; ++i) all.push_back(distanceOf(set->row(i), after.data(), 16));
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < 8; ++i) CHECK(ins->nearest()[i].distance == doctest::Approx(all[i]));
  int64_t target = ins->nearest()[2].index;
  REQUIRE(app->rects().count("inspector/nn2"));
  ImVec4 t = app->rects().at("inspector/nn2");
  click(*app, ImVec2(t.x + t.z * 0.5f, t.y + t.w * 0.5f));
  std::vector<float> there = steeredLatentOf(app->state());
  for (int i = 0; i < 16; ++i) CHECK(there[size_t(i)] == doctest::Approx(set->row(target)[i]).epsilon(1e-4));
  CHECK(app->state().selected == target);
}

TEST_CASE("the Latent inspector's histogram follows the hovered bar and counts every data point once") {
  Headless h;
  auto app = readyApp();
  InspectorPanel* ins = openInspector(*app);
  REQUIRE(app->rects().count("inspector/histogram"));
  const LatentSet* set = app->engine().latents();
  REQUIRE(set);
  CHECK(ins->klPerDim().size() == 16);  // a VAE gives its posterior variance, so KL per dimension
  ImVec4 r = app->rects().at("inspector/bars");
  for (int k : {3, 11}) {
    CAPTURE(k);
    test::mouseFrame(*app, ImVec2(r.x + (k + 0.5f) * r.z / 16, r.y + r.w * 0.25f));
    test::mouseFrame(*app, ImVec2(r.x + (k + 0.5f) * r.z / 16, r.y + r.w * 0.25f));
    CHECK(ins->histogramDim() == k);
    const std::vector<int>& hist = ins->histogram(*set, k);
    REQUIRE(hist.size() == 40);
    // Bins of width 2 range / 40 from -range; the end bins take what lies beyond.
    std::vector<int> ref(40, 0);
    for (int64_t i = 0; i < set->count; ++i) {
      double v = set->row(i)[k];
      int b = int(std::floor((v + double(ins->range())) / (2.0 * double(ins->range())) * 40));
      ++ref[size_t(std::clamp(b, 0, 39))];
    }
    CHECK(hist == ref);
    CHECK(std::accumulate(hist.begin(), hist.end(), 0) == set->count);
  }
}

TEST_CASE("the Interpolation strip decodes a path from A to B; Play advances it, Pause stops it") {
  Headless h;
  auto app = readyApp();
  auto* ip = dynamic_cast<InterpolationPanel*>(app->panel("interp"));
  REQUIRE(ip);
  CHECK_FALSE(ip->open);  // listed in View, closed until opened
  ip->open = true;
  ip->addEndpoint({"data", 3, 0, {}, false, "#3"});
  ip->addEndpoint({"data", 7, 0, {}, true, "#7"});
  REQUIRE(test::framesUntil(*app, [&] { return ip->frames().size() == 8; }));
  const LatentSet* set = app->engine().latents();
  REQUIRE(ip->path().size() == 8);
  CHECK(ip->path().front() == set->latent(3));
  for (int k = 0; k < 16; ++k) CHECK(ip->path().back()[size_t(k)] == doctest::Approx(set->row(7)[k]).epsilon(1e-5));
  CHECK(ip->frames().front().pixels == decodeHere(*app, set->latent(3)).pixels);
  CHECK(ip->frames()[4].pixels == decodeHere(*app, ip->path()[4]).pixels);
  CHECK(ip->stripPicture(1).width == 8 * 28 + 9 * 2);
  // The GIF: every frame at the export scale, forward then back (ping-pong is on), read back with giflib.
  std::string gif = test::tempDir("steer-gif") + "/path.gif";
  REQUIRE(ip->saveGif(gif) == "");
  GifContents g = readGif(gif);
  CHECK(g.frames.size() == 8 + 6);
  CHECK(g.width == 2 * 28);
  CHECK(g.frames[3].at(10, 10)[0] == ip->frames()[3].at(5, 5)[0]);
  CHECK(g.frames[8].at(10, 10)[0] == ip->frames()[6].at(5, 5)[0]);

  ImVec4 play = helpItemRect("interp-play");
  REQUIRE(play.z > 0);
  click(*app, ImVec2(play.x + 3, play.y + 3));
  CHECK(ip->playing());
  for (int i = 0; i < 20; ++i) app->headlessFrame();  // 1/60 s each at 8 pictures per second
  CHECK(app->state().animating);
  CHECK(ip->frame() >= 1);
  click(*app, ImVec2(play.x + 3, play.y + 3));
  CHECK_FALSE(ip->playing());
  app->headlessFrame();
  CHECK_FALSE(app->state().animating);

  // The map gets the path (every frame's latent), the endpoints A and B and the shown frame.
  const AppState::LatentOverlay* o = nullptr;
  for (auto& e : app->state().latentOverlays)
    if (e.owner == "interp") o = &e;
  REQUIRE(o);
  CHECK(o->line.size() == 8);
  CHECK(o->labels == std::vector<std::string>{"A", "B"});
  CHECK(o->current == ip->frame());
  REQUIRE(app->rects().count("overlay-label:A"));
  CHECK(app->rects().count("overlay-label:B"));
}

TEST_CASE("a session keeps the directions on their sliders and the interpolation path") {
  Headless h;
  std::string path = test::tempDir("steer-session") + "/s.json";
  std::vector<float> unit;
  {
    auto app = readyApp();
    auto* dirs = dynamic_cast<DirectionsPanel*>(app->panel("directions"));
    auto* ip = dynamic_cast<InterpolationPanel*>(app->panel("interp"));
    dirs->open = true;
    ip->open = true;
    REQUIRE(test::framesUntil(*app, [&] { return dirs->pca().size() >= 2; }));
    dirs->set().add(dirs->pca()[1]);
    dirs->set().sliders()[0].value = 1.25f;
    dirs->set().sliders()[0].orthogonal = true;
    unit = dirs->pca()[1].vector;
    ip->addEndpoint({"data", 3, 0, {}, false, "#3"});
    ip->addEndpoint({"prior", -1, 5, {}, true, "prior seed 5"});
    app->headlessFrame();
    REQUIRE(app->saveSession(path));
  }
  AppState s;
  auto warnings = loadSession(path, s);
  CHECK(warnings.empty());
  GuiApp again(GuiOptions{}, s);
  auto* dirs = dynamic_cast<DirectionsPanel*>(again.panel("directions"));
  auto* ip = dynamic_cast<InterpolationPanel*>(again.panel("interp"));
  CHECK(dirs->open);
  REQUIRE(dirs->set().sliders().size() == 1);
  CHECK(dirs->set().sliders()[0].value == 1.25f);
  CHECK(dirs->set().sliders()[0].orthogonal);
  CHECK(dirs->set().sliders()[0].dir.name == "pca:1");
  REQUIRE(dirs->set().sliders()[0].dir.vector.size() == unit.size());
  for (size_t k = 0; k < unit.size(); ++k) CHECK(dirs->set().sliders()[0].dir.vector[k] == doctest::Approx(unit[k]).epsilon(1e-6));
  REQUIRE(ip->endpoints().size() == 2);
  CHECK(ip->endpoints()[0].kind == "data");
  CHECK(ip->endpoints()[0].index == 3);
  CHECK_FALSE(ip->endpoints()[0].slerp);
  CHECK(ip->endpoints()[1].kind == "prior");
  CHECK(ip->endpoints()[1].seed == 5);
}

TEST_CASE("with Interpolation and Directions open, the decoded image keeps a readable size (QA Q19)") {
  Headless h;  // 1600 x 1000 at 1x, as in the QA report
  auto app = readyApp();
  app->state().selected = 3;  // the data image and its reconstruction are shown too
  app->panel("interp")->open = true;
  app->panel("directions")->open = true;
  REQUIRE(test::framesUntil(*app, [&] { return !app->engine().selectedOriginal.empty() && app->rects().count("decoded"); }));
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  REQUIRE(app->rects().count("window:interp"));
  ImVec4 d = app->rects().at("decoded"), win = app->rects().at("window:image");
  CHECK(d.w >= 4 * 28);  // was 2x (56 px) with the selection row under it
  CHECK(d.y + d.w <= win.y + win.w);  // inside its panel
  REQUIRE(app->rects().count("window:manifold"));
  CHECK(app->rects().at("window:manifold").w >= 11 * ImGui::GetFontSize() - 1);
}
