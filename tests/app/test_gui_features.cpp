// Features of the whole window driven the way a user drives them: the mouse (io.MousePos,
// buttons, wheel) and keys on a headless GuiApp with the real engine, the bundled models and
// a small data set. Each test checks what the user should see change: the manifold grid's
// tiles are the decodes of the plane points they sit on, the wheel zooms about the cursor,
// a right-drag pans, Fit frames every point, the plane chooser puts latent dims on the map,
// the legend hides a class's points, Ctrl+= scales the UI, a pixel diffusion model's
// Diffusion panel takes the map's place, the model picker / Browse open a model, Encode then
// Cancel keeps the old map, a latent diffusion path ends on the final sample's latent, and
// Enter / Shift+Enter / Esc drive the sampler from every panel.
#include <doctest/doctest.h>

#include <GLFW/glfw3.h>  // key codes (the GLFW backend indexes io.KeysDown by them)
#include <imgui_internal.h>  // the open combo's pop-up window, to click its entries

#include <algorithm>
#include <cmath>
#include <cstring>

#include "app/bundled_models.h"
#include "app/gui_app.h"
#include "app/panels/grid_geometry.h"
#include "app/panels/latent_map_panel.h"
#include "app/panels/param_help.h"
#include "app_test_support.h"
#include "gui_app_harness.h"
#include "engine/data/dataset.h"
#include "engine/explore/explorer.h"

using namespace latentlab;

namespace {
std::string bundled(const std::string& name) { return test::sourcePath("assets/models/" + name); }

using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

std::unique_ptr<GuiApp> makeApp(const std::string& model, int gridK = 4) {
  return test::makeHeadlessApp(model, test::smallFashion(300), gridK);
}
using test::framesUntil;

// One frame with the mouse at `p` and the given buttons held.
void mouseFrame(GuiApp& app, ImVec2 p, bool left = false, bool right = false, float wheel = 0) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = left;
  io.MouseDown[1] = right;
  io.MouseWheel = wheel;
  app.headlessFrame();
  io.MouseWheel = 0;
}

// Move there, press, release: a left click as ImGui sees one.
void click(GuiApp& app, ImVec2 p) {
  mouseFrame(app, p);
  mouseFrame(app, p, true);
  mouseFrame(app, p);
  mouseFrame(app, p);
}

ImVec2 centre(ImVec4 r) { return ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f)); }

MapRect mapRect(GuiApp& app) {
  REQUIRE(app.rects().count("map"));
  ImVec4 m = app.rects().at("map");
  return MapRect{m.x, m.y, m.z, m.w};
}

void keyFrame(GuiApp& app, int key, bool ctrl, const char* focus, bool shift = false) {
  ImGuiIO& io = ImGui::GetIO();
  app.update();
  io.KeysDown[key] = true;
  io.KeyCtrl = ctrl;
  io.KeyShift = shift;
  ImGui::NewFrame();
  if (focus) ImGui::SetWindowFocus(focus);
  app.buildFrame(1600, 1000);
  ImGui::Render();
  io.KeysDown[key] = false;
  io.KeyCtrl = io.KeyShift = false;
  app.headlessFrame();
}

// Clicks into the text field at `at`, selects all (Ctrl+A) and types `text`.
void typeAt(GuiApp& app, ImVec2 at, const std::string& text) {
  ImGuiIO& io = ImGui::GetIO();
  io.KeyMap[ImGuiKey_A] = GLFW_KEY_A;  // what the GLFW backend maps; the headless context has none
  click(app, at);
  io.KeyCtrl = true;
  io.KeysDown[GLFW_KEY_A] = true;
  app.headlessFrame();
  io.KeysDown[GLFW_KEY_A] = false;
  io.KeyCtrl = false;
  app.headlessFrame();
  for (char c : text) io.AddInputCharacter(unsigned(c));
  app.headlessFrame();
}

// Pixel (x, y) channel c of `img`, grey images read as every channel.
int px(const Image& img, int x, int y, int c) { return img.at(x, y)[img.channels == 1 ? 0 : c]; }
}  // namespace

TEST_CASE("each tile of the manifold grid over the map is the decode of the plane point at its centre") {
  Headless imgui;
  const int k = 4;
  auto app = makeApp(bundled("fashion-vae-16"), k);
  app->state().gridOverlay = true;
  EngineClient& e = app->engine();
  REQUIRE(framesUntil(*app, [&] { return app->settled() && e.grid.k == k; }));
  const GridImages& g = e.grid;
  REQUIRE(g.atlas.width % k == 0);
  int tw = g.atlas.width / k, th = g.atlas.height / k;
  auto model = ExploreModel::load(bundled("fashion-vae-16"), "cpu");
  MapRect r = mapRect(*app);
  PlaneRect area{g.u0, g.u1, g.v0, g.v1};
  int checked = 0;
  for (int row = 0; row < k; ++row)
    for (int col = 0; col < k; ++col) {
      CAPTURE(row);
      CAPTURE(col);
      // Where the user sees the tile, and the plane point under its centre.
      ImVec4 t = gridTileRect(app->state().view, r, area, k, row, col);
      double u, v;
      app->state().view.toPlane(r, t.x + t.z * 0.5f, t.y + t.w * 0.5f, u, v);
      Image ref = model->decode(app->state().plane.toLatent(u, v));
      REQUIRE(ref.width == tw);
      REQUIRE(ref.height == th);
      int worst = 0;
      for (int y = 0; y < th; ++y)
        for (int x = 0; x < tw; ++x)
          for (int c = 0; c < std::min(3, g.atlas.channels); ++c)
            worst = std::max(worst, std::abs(px(g.atlas, col * tw + x, row * th + y, c) - px(ref, x, y, c)));
      CHECK(worst <= 2);
      ++checked;
    }
  CHECK(checked == k * k);
  // The tiles are different pictures (a grid of one decode repeated would pass the above
  // only if every decode were the same).
  CHECK(std::memcmp(g.atlas.at(0, 0), g.atlas.at((k - 1) * tw, (k - 1) * th), size_t(tw * g.atlas.channels)) != 0);
}

TEST_CASE("the wheel zooms about the cursor, a right-drag pans, Fit frames every point") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  MapRect r = mapRect(*app);
  MapView& view = app->state().view;
  ImVec2 at(std::floor(r.x + r.w * 0.3f), std::floor(r.y + r.h * 0.6f));
  mouseFrame(*app, at);
  mouseFrame(*app, at);
  double u0, v0;
  view.toPlane(r, at.x, at.y, u0, v0);
  double half = view.halfExtent;
  bool hadCursor = app->state().hasCursor;
  double cursorU = app->state().cursorU;

  // Wheel up one notch: closer in, the plane point under the mouse stays under it.
  mouseFrame(*app, at, false, false, 1.f);
  mouseFrame(*app, at);
  CHECK(view.halfExtent < half * 0.95);
  CHECK(view.halfExtent == doctest::Approx(half / 1.15).epsilon(1e-3));
  double u1, v1;
  view.toPlane(r, at.x, at.y, u1, v1);
  double tol = 2 * view.halfExtent / r.w;  // two pixels
  CHECK(std::abs(u1 - u0) < tol);
  CHECK(std::abs(v1 - v0) < tol);
  // Wheel down two notches: further out than at the start.
  mouseFrame(*app, at, false, false, -2.f);
  mouseFrame(*app, at);
  CHECK(view.halfExtent > half * 1.05);

  // Right-drag by (+60, -40): the plane point that was under the mouse follows it.
  view.toPlane(r, at.x, at.y, u0, v0);
  ImVec2 to(at.x + 60, at.y - 40);
  mouseFrame(*app, at, false, true);
  mouseFrame(*app, ImVec2(at.x + 30, at.y - 20), false, true);
  mouseFrame(*app, to, false, true);
  mouseFrame(*app, to);
  float sx, sy;
  view.toScreen(r, u0, v0, sx, sy);
  CHECK(sx == doctest::Approx(to.x).epsilon(0.002));
  CHECK(sy == doctest::Approx(to.y).epsilon(0.002));
  CHECK(app->state().hasCursor == hadCursor);  // panning never moves the decode cursor
  CHECK(app->state().cursorU == cursorU);

  // The Fit button: every point inside the map again, and the view is the fitted one.
  view.centerU += 50;
  ImVec4 fit = helpItemRect("fit");
  REQUIRE(fit.z > 0);
  click(*app, centre(fit));
  MapView fitted;
  fitted.fit(app->engine().points().uv);
  CHECK(view.centerU == doctest::Approx(fitted.centerU));
  CHECK(view.halfExtent == doctest::Approx(fitted.halfExtent));
  const auto& uv = app->engine().points().uv;
  r = mapRect(*app);
  for (size_t i = 0; i + 1 < uv.size(); i += 2) {
    float x, y;
    view.toScreen(r, uv[i], uv[i + 1], x, y);
    REQUIRE(x >= r.x);
    REQUIRE(x <= r.x + r.w);
    REQUIRE(y >= r.y);
    REQUIRE(y <= r.y + r.h);
  }
}

TEST_CASE("choosing 'Two latent axes' in the Plane combo and typing dims i, j puts latent dims i and j on the map") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-16"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  REQUIRE(app->state().planeMode == "pca");
  ImVec4 combo = helpItemRect("plane");
  REQUIRE(combo.z > 0);
  click(*app, centre(combo));
  // The combo's pop-up is open: its second entry is "Two latent axes".
  ImGuiContext& g = *GImGui;
  REQUIRE(g.OpenPopupStack.Size > 0);
  ImGuiWindow* popup = g.OpenPopupStack.back().Window;
  REQUIRE(popup);
  float fs = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  ImVec2 entry(std::floor(popup->Pos.x + popup->Size.x * 0.5f),
               std::floor(popup->Pos.y + ImGui::GetStyle().WindowPadding.y + (fs + sp) + fs * 0.5f));
  click(*app, entry);
  CHECK(app->state().planeMode == "axes");
  EngineClient& e = app->engine();
  int i = app->state().axisI, j = app->state().axisJ;
  REQUIRE(i != j);
  REQUIRE(framesUntil(*app, [&] { return app->settled() && app->state().plane.axisU[size_t(i)] == 1.f; }));
  REQUIRE(e.latents());
  const LatentSet& z = *e.latents();
  REQUIRE(e.points().count() == size_t(z.count));
  double worst = 0;
  for (int64_t n = 0; n < z.count; ++n) {
    worst = std::max(worst, double(std::abs(e.points().uv[size_t(2 * n)] - z.z[size_t(n * z.dim + i)])));
    worst = std::max(worst, double(std::abs(e.points().uv[size_t(2 * n + 1)] - z.z[size_t(n * z.dim + j)])));
  }
  CHECK(worst < 1e-5);

  // Type dims 3 and 7 into the two fields after "dims": the map is z3 across, z7 up.
  ImVec4 dims = helpItemRect("plane-dims");
  REQUIRE(dims.z > 0);
  float fieldsW = fs * 6;  // the toolbar gives both fields together six font sizes
  float y = std::floor(dims.y + dims.w * 0.5f);
  typeAt(*app, ImVec2(std::floor(dims.x + fieldsW * 0.2f), y), "3");
  typeAt(*app, ImVec2(std::floor(dims.x + fieldsW * 0.75f), y), "7");
  click(*app, ImVec2(1, 999));  // somewhere else: the field lets go
  CHECK(app->state().axisI == 3);
  CHECK(app->state().axisJ == 7);
  REQUIRE(framesUntil(*app, [&] { return app->settled() && app->state().plane.axisU[3] == 1.f; }));
  CHECK(app->state().plane.axisV[7] == 1.f);
  worst = 0;
  for (int64_t n = 0; n < z.count; ++n) {
    worst = std::max(worst, double(std::abs(e.points().uv[size_t(2 * n)] - z.z[size_t(n * z.dim + 3)])));
    worst = std::max(worst, double(std::abs(e.points().uv[size_t(2 * n + 1)] - z.z[size_t(n * z.dim + 7)])));
  }
  CHECK(worst < 1e-5);
}

TEST_CASE("clicking a legend entry hides that class's points; clicking again shows them") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  auto* map = dynamic_cast<LatentMapPanel*>(app->panel("map"));
  REQUIRE(map);
  const MapPoints& pts = app->engine().points();
  int last = int(pts.classNames.size()) - 1;
  REQUIRE(last >= 1);
  // A point of the last class (the legend's last row), under the mouse.
  size_t n = 0;
  while (n < pts.labels.size() && pts.labels[n] != last) ++n;
  REQUIRE(n < pts.labels.size());
  MapRect r = mapRect(*app);
  float x, y;
  app->state().view.toScreen(r, pts.uv[2 * n], pts.uv[2 * n + 1], x, y);
  ImVec2 onPoint(std::floor(x), std::floor(y));
  mouseFrame(*app, onPoint);
  mouseFrame(*app, onPoint);
  REQUIRE(map->hovered() >= 0);
  CHECK(pts.labels[size_t(map->hovered())] == last);

  ImVec4 row = helpItemRect("legend-class");  // the last row drawn
  REQUIRE(row.z > 0);
  click(*app, centre(row));
  REQUIRE(app->state().hiddenClasses.size() > size_t(last));
  CHECK(app->state().hiddenClasses[size_t(last)]);
  CHECK(map->swatches()[size_t(last)].fill == 0);
  mouseFrame(*app, onPoint);
  mouseFrame(*app, onPoint);
  // The hidden class's point is no longer there to hover.
  if (map->hovered() >= 0) CHECK(pts.labels[size_t(map->hovered())] != last);
  for (size_t c = 0; c < size_t(last); ++c) CHECK_FALSE(app->state().hiddenClasses[c]);

  click(*app, centre(helpItemRect("legend-class")));
  CHECK_FALSE(app->state().hiddenClasses[size_t(last)]);
  mouseFrame(*app, onPoint);
  mouseFrame(*app, onPoint);
  REQUIRE(map->hovered() >= 0);
  CHECK(pts.labels[size_t(map->hovered())] == last);
}

TEST_CASE("Ctrl+= makes the font and the spacing larger from any panel, Ctrl+- smaller again") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->engine().model() != nullptr; }));
  app->headlessFrame();
  REQUIRE(app->state().uiScale == 1.f);
  for (Panel* p : app->shownPanels()) {
    std::string focus = "###" + p->id();
    CAPTURE(focus);
    app->headlessFrame();
    float font = ImGui::GetIO().Fonts->Fonts[0]->FontSize;
    float spacing = ImGui::GetStyle().ItemSpacing.y;
    keyFrame(*app, GLFW_KEY_EQUAL, true, focus.c_str());
    app->headlessFrame();
    CHECK(app->state().uiScale == 1.25f);
    // Fonts are built at a whole pixel size for the scale.
    CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == std::round(font * 1.25f));
    CHECK(ImGui::GetStyle().ItemSpacing.y == doctest::Approx(spacing * 1.25f));
    keyFrame(*app, GLFW_KEY_MINUS, true, focus.c_str());
    app->headlessFrame();
    CHECK(app->state().uiScale == 1.f);
    CHECK(ImGui::GetIO().Fonts->Fonts[0]->FontSize == font);
  }
  // Without Ctrl, = is no shortcut.
  keyFrame(*app, GLFW_KEY_EQUAL, false, "###map");
  CHECK(app->state().uiScale == 1.f);
}

TEST_CASE("a pixel diffusion model: no map, its Diffusion panel takes the map's place") {
  Headless imgui;
  // Where the map sits for an autoencoder in this window.
  auto vae = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*vae, [&] { return vae->engine().model() != nullptr; }));
  vae->headlessFrame();
  REQUIRE(vae->layout().count("map"));
  LayoutRect mapPlace = vae->layout().at("map");
  vae.reset();

  auto app = makeApp(bundled("fashion-ddpm"));
  REQUIRE(framesUntil(*app, [&] { return !app->engine().loading(); }));
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  CHECK(app->modelKind() == ModelKind::PixelDiffusion);
  CHECK(app->layout().count("map") == 0);
  CHECK(app->rects().count("window:map") == 0);
  CHECK(app->rects().count("map") == 0);
  auto shown = app->shownPanels();
  CHECK(std::find(shown.begin(), shown.end(), app->panel("map")) == shown.end());
  REQUIRE(app->layout().count("diffusion"));
  LayoutRect d = app->layout().at("diffusion");
  CHECK(d.x == mapPlace.x);
  CHECK(d.y == mapPlace.y);
  CHECK(d.w * d.h >= mapPlace.w * mapPlace.h * 0.9f);
  REQUIRE(app->rects().count("window:diffusion"));
  CHECK(app->rects().at("window:diffusion").x == d.x);
  // The largest window on screen.
  for (auto& [id, r] : app->layout())
    if (id != "diffusion") CHECK(r.w * r.h < d.w * d.h);
  app->engine().cancelSample();
}

namespace {
// Opens the combo whose help key is `key` and clicks its entry number `index`.
void pickComboEntry(GuiApp& app, const char* key, int index) {
  ImVec4 combo = helpItemRect(key);
  REQUIRE(combo.z > 0);
  click(app, centre(combo));
  ImGuiContext& g = *GImGui;
  REQUIRE(g.OpenPopupStack.Size > 0);
  ImGuiWindow* popup = g.OpenPopupStack.back().Window;
  REQUIRE(popup);
  float fs = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  ImVec2 entry(std::floor(popup->Pos.x + popup->Size.x * 0.5f),
               std::floor(popup->Pos.y + ImGui::GetStyle().WindowPadding.y + index * (fs + sp) + fs * 0.5f));
  REQUIRE(entry.y < popup->Pos.y + popup->Size.y);
  click(app, entry);
}

// Types `text` into the text field of help key `key`.
void typeInto(GuiApp& app, const char* key, const std::string& text) {
  ImVec4 field = helpItemRect(key);
  REQUIRE(field.z > 0);
  typeAt(app, centre(field), text);
}
}  // namespace

TEST_CASE("the model picker lists the bundled models; picking one opens it") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  app->headlessFrame();
  std::vector<std::string> listed = listBundledModels();
  int index = -1;
  for (size_t i = 0; i < listed.size(); ++i)
    if (std::filesystem::path(listed[i]).filename() == "fashion-vae-16") index = int(i);
  REQUIRE(index >= 0);
  uint64_t generation = app->engine().generation();
  pickComboEntry(*app, "model", index);
  REQUIRE(framesUntil(*app, [&] { return app->engine().generation() != generation && app->settled(); }));
  REQUIRE(app->engine().model());
  CHECK(std::filesystem::path(app->engine().model()->dir).filename() == "fashion-vae-16");
  CHECK(app->engine().latents()->dim == 16);
  CHECK(app->engine().points().count() == 300);  // the data set encoded again with it
}

TEST_CASE("Encode with a new data spec, then Cancel: the encode stops and the old map stays") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-16"));
  EngineClient& e = app->engine();
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  REQUIRE(e.points().count() == 300);
  const LatentSet* before = e.latents();
  typeInto(*app, "data", "fashion-mnist:train");  // 60000 pictures: seconds of work
  ImVec4 encode = helpItemRect("encode");
  REQUIRE(encode.z > 0);
  click(*app, centre(encode));
  CHECK(app->state().dataSpec == "fashion-mnist:train");
  REQUIRE(e.encoding());
  // The button became Cancel while the encode runs.
  REQUIRE(framesUntil(*app, [&] { return helpItemRect("encode-cancel").z > 0 && e.background().status().busy; }));
  click(*app, centre(helpItemRect("encode-cancel")));
  CHECK_FALSE(e.encoding());
  REQUIRE(framesUntil(*app, [&] { return !e.background().status().busy; }));
  for (int i = 0; i < 5; ++i) app->headlessFrame();
  CHECK(e.latents() == before);  // the cancelled result never replaced the map
  CHECK(e.points().count() == 300);
  CHECK(e.dataError == "");
  // Encode again with the small set: it runs to the end.
  typeInto(*app, "data", test::smallFashion(200));
  click(*app, centre(helpItemRect("encode")));
  REQUIRE(framesUntil(*app, [&] { return !e.encoding() && app->settled(); }));
  CHECK(e.points().count() == 200);
}

TEST_CASE("latent diffusion: the map's path ends on the final sample's latent, labelled x_t") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-ldm"));
  EngineClient& e = app->engine();
  // The Diffusion panel starts the first run itself; the map follows the newest step.
  REQUIRE(framesUntil(*app, [&] {
    return e.latents() && !e.sampling() && !e.sampleA.final.empty() && app->settled();
  }));
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  const SampleTrack& t = e.sampleA;
  CHECK(t.error == "");
  int steps = t.request.steps;
  REQUIRE(int(t.frames.size()) == steps);
  CHECK(app->state().diffusionTab == "denoise");
  CHECK(app->state().diffusionShownStep == steps - 1);  // the path is drawn to its end
  REQUIRE(app->rects().count("overlay-label:x_t"));
  REQUIRE(app->rects().count("overlay-label:noise"));
  // The path's last point is the latent of the finished picture: the LDM's VAE decodes it
  // to the final sample.
  const std::vector<float>& end = t.frames.back().latent;
  REQUIRE(int(end.size()) == app->state().plane.dim());
  auto vae = ExploreModel::load(bundled("fashion-vae-16"), "cpu");  // the LDM's autoencoder
  Image decoded = vae->decode(end);
  REQUIRE(decoded.pixels.size() == t.final.pixels.size());
  int worst = 0;
  for (size_t i = 0; i < decoded.pixels.size(); ++i)
    worst = std::max(worst, std::abs(int(decoded.pixels[i]) - int(t.final.pixels[i])));
  CHECK(worst <= 2);
  // It sits where the map puts that latent: the x_t marker's label is near its projection.
  auto [u, v] = app->state().plane.project(end.data());
  float x, y;
  app->state().view.toScreen(mapRect(*app), u, v, x, y);
  ImVec4 label = app->rects().at("overlay-label:x_t");
  float reach = ImGui::GetFontSize() * 4 + label.z;
  CHECK(std::abs(label.x + label.z * 0.5f - x) < reach);
  CHECK(std::abs(label.y + label.w * 0.5f - y) < reach);
}

TEST_CASE("Enter runs, Shift+Enter steps and Esc cancels the sampler whichever panel has the focus") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-ldm"));
  EngineClient& e = app->engine();
  REQUIRE(framesUntil(*app, [&] { return e.latents() && !e.sampling() && app->settled(); }));
  auto shown = app->shownPanels();
  REQUIRE(shown.size() >= 4);
  for (Panel* p : shown) {
    std::string focus = "###" + p->id();
    CAPTURE(focus);
    // Shift+Enter: a run that holds after its first step, until cancelled.
    uint64_t run = e.sampleA.run;
    keyFrame(*app, GLFW_KEY_ENTER, false, focus.c_str(), true);
    CHECK(e.sampleA.run == run + 1);
    REQUIRE(framesUntil(*app, [&] { return e.sampleA.frames.size() >= 1 && e.sampling(); }));
    for (int i = 0; i < 5; ++i) app->headlessFrame();
    CHECK(e.sampling());  // held, not running to the end
    keyFrame(*app, GLFW_KEY_ESCAPE, false, focus.c_str());
    REQUIRE(framesUntil(*app, [&] { return !e.sampling(); }));
    CHECK(e.sampleA.cancelled);
    CHECK(int(e.sampleA.frames.size()) < e.sampleA.request.steps);
    // Enter: a whole run.
    run = e.sampleA.run;
    keyFrame(*app, GLFW_KEY_ENTER, false, focus.c_str());
    CHECK(e.sampleA.run == run + 1);
    REQUIRE(framesUntil(*app, [&] { return !e.sampling(); }));
    CHECK_FALSE(e.sampleA.cancelled);
    CHECK(int(e.sampleA.frames.size()) == e.sampleA.request.steps);
  }
}

namespace {
// The model panel's folder browser (its child window "browser"), when open.
ImGuiWindow* browserWindow() {
  for (ImGuiWindow* w : GImGui->Windows)
    if (w->Active && std::string(w->Name).find("/browser_") != std::string::npos) return w;
  return nullptr;
}
}  // namespace

TEST_CASE("the model panel's Browse: a click on a model folder, then 'Open this model', opens it") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  namespace fsys = std::filesystem;
  struct BackToCwd {  // whatever fails below, the next tests run where they started
    fsys::path old = fsys::current_path();
    ~BackToCwd() { fsys::current_path(old); }
  } back;
  fsys::path models = test::sourcePath("assets/models");
  fsys::current_path(models);  // the browser starts in the working folder
  std::vector<std::string> names;
  for (auto& d : fsys::directory_iterator(models))
    if (d.is_directory() && d.path().filename().string()[0] != '.') names.push_back(d.path().filename().string());
  std::sort(names.begin(), names.end());
  int index = int(std::find(names.begin(), names.end(), "fashion-vae-16") - names.begin());
  REQUIRE(index < int(names.size()));

  click(*app, centre(helpItemRect("browse")));
  ImGuiWindow* list = browserWindow();
  REQUIRE(list);
  float fs = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  ImVec2 entry(std::floor(list->Pos.x + 40), std::floor(list->Pos.y + ImGui::GetStyle().WindowPadding.y +
                                                        index * (fs + sp) + fs * 0.5f));
  REQUIRE(entry.y < list->Pos.y + list->Size.y);
  click(*app, entry);
  // The row of small buttons above the list: Up, Open this model, Close.
  list = browserWindow();
  REQUIRE(list);
  const ImGuiStyle& st = ImGui::GetStyle();
  float upW = ImGui::CalcTextSize("Up").x + st.FramePadding.x * 2;
  float openW = ImGui::CalcTextSize("Open this model").x + st.FramePadding.x * 2;
  ImVec2 open(std::floor(list->Pos.x + upW + st.ItemSpacing.x + openW * 0.5f), std::floor(list->Pos.y - sp - fs * 0.5f));
  uint64_t generation = app->engine().generation();
  click(*app, open);
  REQUIRE(framesUntil(*app, [&] { return app->engine().generation() != generation && app->settled(); }));
  REQUIRE(app->engine().model());
  CHECK(fsys::path(app->engine().model()->dir).filename() == "fashion-vae-16");
  CHECK(app->engine().latents()->dim == 16);
  CHECK(browserWindow() == nullptr);  // the browser closes once a model is chosen
}
