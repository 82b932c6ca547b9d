// The whole app without a window: GuiApp driven frame by frame in a headless ImGui context,
// with the real engine and the bundled models on a small data set. Model switches rebuild
// the map, the cursor image, the reconstruction and the grid from the new model; a bad
// model or manifest becomes a message; layout resets; shortcuts work whatever panel has
// focus; saving always says how it went.
#include <doctest/doctest.h>

#include <GLFW/glfw3.h>  // key codes (the GLFW backend indexes io.KeysDown by them)

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/gui_app.h"
#include "app/panels/latent_map_panel.h"
#include "app_test_support.h"
#include "gui_app_harness.h"
#include "engine/data/dataset.h"
#include "engine/explore/explorer.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {
std::string bundled(const std::string& name) { return test::sourcePath("assets/models/" + name); }

using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

std::unique_ptr<GuiApp> makeApp(const std::string& model, const std::string& data = test::smallFashion()) {
  return test::makeHeadlessApp(model, data);
}
using test::framesUntil;

int maxDiff(const Image& a, const Image& b) {
  if (a.width != b.width || a.height != b.height || a.channels != b.channels) return 256;
  int d = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) d = std::max(d, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return d;
}

bool samePlane(const LatentPlane& a, const LatentPlane& b) {
  return a.origin == b.origin && a.axisU == b.axisU && a.axisV == b.axisV;
}

void pressKey(GuiApp& app, int key, const char* focus, bool shift = false, bool ctrl = false) {
  ImGuiIO& io = ImGui::GetIO();
  app.update();
  io.KeysDown[key] = true;
  io.KeyShift = shift;
  io.KeyCtrl = ctrl;
  ImGui::NewFrame();
  if (focus) ImGui::SetWindowFocus(focus);
  app.buildFrame(1600, 1000);
  ImGui::Render();
  io.KeysDown[key] = false;
  io.KeyShift = io.KeyCtrl = false;
  app.headlessFrame();
}
}  // namespace

TEST_CASE("after a model switch the map, cursor image, reconstruction and grid are the new model's") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-16"));
  app->state().selected = 7;
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  REQUIRE(e.latents());
  CHECK(e.latents()->dim == 16);
  CHECK(e.selectedIndex == 7);
  uint64_t pointsBefore = e.points().version, gridBefore = e.grid.version, generation = e.generation();
  app->state().view.centerU += 50;  // somewhere far off: the new map must be fitted again

  // The model picker asks for another model (UiRequests::loadModel -> openModel).
  app->openModel(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return e.generation() != generation && app->settled(); }));
  REQUIRE(e.model());
  CHECK(e.model()->dir == bundled("fashion-vae-2"));
  CHECK(app->state().modelDir == bundled("fashion-vae-2"));
  // Versions never go back: a GPU buffer or texture of the old model is never reused.
  CHECK(e.points().version > pointsBefore);
  CHECK(e.grid.version > gridBefore);

  // The map's points are the new model's encodings (a 2-d latent is shown as itself).
  auto vae2 = ExploreModel::load(bundled("fashion-vae-2"), "cpu");
  Dataset data = openDataset(test::smallFashion());
  LatentSet ref = vae2->encode(data);
  REQUIRE(e.points().count() == size_t(data.count));
  CHECK(app->state().planeMode == "axes");
  double worst = 0;
  for (size_t i = 0; i < ref.z.size(); ++i) worst = std::max(worst, double(std::abs(e.points().uv[i] - ref.z[i])));
  CHECK(worst < 1e-4);
  CHECK(e.points().labels[5] == int(data.label(5)));

  // Fitted to the new points.
  MapView fitted;
  fitted.fit(e.points().uv);
  CHECK(app->state().view.centerU == doctest::Approx(fitted.centerU));
  CHECK(app->state().view.halfExtent == doctest::Approx(fitted.halfExtent));

  // The cursor image is the new decoder's picture of the cursor's latent.
  std::vector<float> z = app->state().plane.toLatent(app->state().cursorU, app->state().cursorV);
  CHECK(e.cursorLatent == z);
  CHECK(maxDiff(e.cursorImage, vae2->decode(z)) <= 1);
  // The selected item keeps its selection; its reconstruction is the new model's.
  CHECK(e.selectedIndex == 7);
  CHECK(maxDiff(e.selectedRecon, vae2->reconstruct(data.image(7))) <= 1);
  CHECK(maxDiff(e.selectedOriginal, data.image(7)) == 0);
  // The manifold grid was decoded again, with the new model on the new plane.
  CHECK(e.grid.generation == e.generation());
  CHECK(samePlane(e.grid.plane, app->state().plane));
  CHECK(e.grid.k == 4);
}

TEST_CASE("a plane change re-decodes the manifold grid on the new plane") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-16"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  LatentPlane before = e.grid.plane;
  REQUIRE(samePlane(before, app->state().plane));
  app->state().planeMode = "axes";
  app->state().axisI = 2;
  app->state().axisJ = 5;
  app->engine().applyPlane(app->state());  // what the map's plane chooser leads to
  REQUIRE(framesUntil(*app, [&] { return app->settled() && !samePlane(e.grid.plane, before); }));
  CHECK(samePlane(e.grid.plane, app->state().plane));
  CHECK(app->state().plane.axisU[2] == 1.f);
}

TEST_CASE("reopening a saved session rebuilds the map of the session's model with its view") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-16"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  app->state().view.halfExtent = 1.25;
  std::string path = test::tempDir("gui-session") + "/s.json";
  REQUIRE(app->saveSession(path));
  std::vector<float> uv16 = app->engine().points().uv;
  app->openModel(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled() && app->engine().latents()->dim == 2; }));
  REQUIRE(app->openSession(path));
  REQUIRE(framesUntil(*app, [&] { return app->settled() && app->engine().latents()->dim == 16; }));
  CHECK(app->engine().points().uv == uv16);  // the same map as when it was saved
  CHECK(app->state().view.halfExtent == 1.25);
}

TEST_CASE("latent diffusion: the decoded-image panel is there, listed and ticked, and a drag on the map decodes") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-ldm"));
  EngineClient& e = app->engine();
  REQUIRE(framesUntil(*app, [&] { return e.latents() && !e.cursorImage.empty() && e.idle(); }));
  CHECK(app->modelKind() == ModelKind::LatentDiffusion);
  Panel* image = app->panel("image");
  REQUIRE(image);
  auto shown = app->shownPanels();
  CHECK(std::find(shown.begin(), shown.end(), image) != shown.end());  // in the View menu
  CHECK(image->open);                                                   // ticked
  CHECK(app->layout().count("image") == 1);                             // and on screen
  CHECK(app->rects().count("window:image") == 1);
  CHECK(app->rects().count("window:diffusion") == 1);

  // Drag on the map: press, move, hold, release.
  REQUIRE(app->rects().count("map"));
  ImVec4 m = app->rects().at("map");
  ImGuiIO& io = ImGui::GetIO();
  // Whole pixels: ImGui floors the mouse position.
  ImVec2 a(std::floor(m.x + m.z * 0.3f), std::floor(m.y + m.w * 0.4f));
  ImVec2 b(std::floor(m.x + m.z * 0.6f), std::floor(m.y + m.w * 0.55f));
  io.MousePos = a;
  app->headlessFrame();
  io.MouseDown[0] = true;
  app->headlessFrame();
  io.MousePos = b;
  app->headlessFrame();
  io.MouseDown[0] = false;
  app->headlessFrame();
  double u, v;
  m = app->rects().at("map");  // where the map was drawn while the mouse moved
  app->state().view.toPlane(MapRect{m.x, m.y, m.z, m.w}, b.x, b.y, u, v);
  CHECK(app->state().cursorU == doctest::Approx(u));
  std::vector<float> z = app->state().plane.toLatent(u, v);
  REQUIRE(framesUntil(*app, [&] { return e.cursorLatent == z && e.idle(); }));
  auto vae = ExploreModel::load(bundled("fashion-vae-16"), "cpu");  // the LDM's autoencoder
  CHECK(maxDiff(e.cursorImage, vae->decode(z)) <= 1);
}

TEST_CASE("a bad model at start opens anyway with the error, and another model can be picked") {
  Headless imgui;
  std::string missing = test::tempDir("no-model") + "/nowhere";
  auto app = makeApp(missing);
  REQUIRE(framesUntil(*app, [&] { return !app->engine().loading(); }));
  REQUIRE(app->messages().newest());
  CHECK(app->messages().newest()->error);
  CHECK(app->messages().newest()->text.find("nowhere") != std::string::npos);
  CHECK(app->panel("model")->open);
  CHECK(app->layout().count("model") == 1);  // the picker is on screen
  app->openModel(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  CHECK(app->engine().points().count() == 600);
  CHECK(!app->messages().newest()->error);  // "Opened ...": the old error is no longer the banner
}

TEST_CASE("a manifest with a number where text belongs is a message, not the end of the program") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  std::string dir = test::tempDir("bad-description") + "/m";
  fs::copy(bundled("fashion-vae-2"), dir, fs::copy_options::recursive);
  auto manifest = nlohmann::json::parse(test::readText(dir + "/model.json"));
  manifest["description"] = 5;
  test::writeText(dir + "/model.json", manifest.dump(2));
  uint64_t generation = app->engine().generation();
  app->openModel(dir);
  REQUIRE(framesUntil(*app, [&] { return !app->engine().loading(); }));
  CHECK(app->messages().newest()->error);
  CHECK(app->messages().newest()->text.find("description") != std::string::npos);
  CHECK(app->engine().generation() == generation);  // the previous model is still there
  CHECK(app->state().modelDir == bundled("fashion-vae-2"));
  for (int i = 0; i < 3; ++i) app->headlessFrame();
}

TEST_CASE("closing a panel leaves no hole; Reset layout reopens every panel in its place") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->engine().model() != nullptr; }));
  app->headlessFrame();
  auto full = app->layout();
  REQUIRE(full.count("manifold"));
  app->panel("manifold")->open = false;  // as its window's X or the View menu does
  app->headlessFrame();
  app->headlessFrame();
  CHECK(app->layout().count("manifold") == 0);
  CHECK(app->layout().at("image").h > full.at("image").h);
  CHECK(app->rects().count("window:manifold") == 0);
  app->panel("perf")->open = false;
  app->headlessFrame();
  app->headlessFrame();
  CHECK(app->layout().at("model").w > full.at("model").w);
  app->resetLayout();
  app->headlessFrame();
  CHECK(app->panel("manifold")->open);
  CHECK(app->panel("perf")->open);
  CHECK(app->layout().size() == full.size());
  for (auto& [id, r] : full) {
    CAPTURE(id);
    CHECK(app->layout().at(id).x == r.x);
    CHECK(app->layout().at(id).h == r.h);
    REQUIRE(app->rects().count("window:" + id));
    CHECK(app->rects().at("window:" + id).x == r.x);  // the windows moved back too
    CHECK(app->rects().at("window:" + id).z == r.w);
  }
}

TEST_CASE("F fits the map and F1 toggles the notes whatever panel has focus, but not while typing") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  MapView fitted;
  fitted.fit(app->engine().points().uv);
  for (Panel* p : app->shownPanels()) {
    std::string focus = "###" + p->id();
    CAPTURE(focus);
    app->state().view.centerU = 40;
    pressKey(*app, GLFW_KEY_F, focus.c_str());
    CHECK(app->state().view.centerU == doctest::Approx(fitted.centerU));
    bool notes = app->state().showNotes[p->id()];
    pressKey(*app, GLFW_KEY_F1, focus.c_str());
    CHECK(app->state().showNotes[p->id()] != notes);
  }
  // While a text field takes the keys, F is a letter, not a shortcut.
  app->state().view.centerU = 40;
  ImGuiIO& io = ImGui::GetIO();
  app->update();
  io.KeysDown[GLFW_KEY_F] = true;
  ImGui::NewFrame();
  io.WantTextInput = true;  // what ImGui reports while an InputText is active
  app->buildFrame(1600, 1000);
  ImGui::Render();
  io.KeysDown[GLFW_KEY_F] = false;
  CHECK(app->state().view.centerU == 40);
}

TEST_CASE("a failed save says so even under an older error; a successful one says where") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  REQUIRE(framesUntil(*app, [&] { return app->engine().model() != nullptr; }));
  app->openModel(test::tempDir("older-error") + "/missing");  // an error banner is showing
  REQUIRE(framesUntil(*app, [&] { return !app->engine().loading(); }));
  REQUIRE(app->messages().newest()->error);
  uint64_t before = app->messages().count();
  std::string bad = test::tempDir("save-fail") + "/no/such/folder/s.json";
  CHECK(!app->saveSession(bad));
  CHECK(app->messages().count() == before + 1);
  CHECK(app->messages().newest()->error);
  CHECK(app->messages().newest()->text.find("Could not save") != std::string::npos);
  CHECK(!fs::exists(bad));
  std::string dir = test::tempDir("save-ok");
  std::string good = dir + "/s.json";
  CHECK(app->saveSession(good));
  CHECK(!app->messages().newest()->error);
  CHECK(app->messages().newest()->text.find(fs::absolute(good).lexically_normal().string()) != std::string::npos);
  auto j = nlohmann::json::parse(test::readText(good));
  CHECK(j["format"] == "latentlab-session/1");
  CHECK(j["panels"]["map"]["open"] == true);
}

namespace {
// A panel whose drawing throws half-way through a window (after ImGui::Begin and a child).
class ThrowingPanel : public Panel {
 public:
  ThrowingPanel() : Panel("thrower", "Thrower") {}
  bool armed = false;

 protected:
  void drawContent(PanelContext&) override {
    ImGui::BeginChild("inner", ImVec2(100, 100));
    ImGui::Text("about to fail");
    if (armed) throw std::runtime_error("the panel broke");
    ImGui::EndChild();
  }
  const char* notes() const override { return "A panel that fails on purpose, to test the app's recovery."; }
};
}  // namespace

TEST_CASE("an exception inside a frame becomes a message and the next frames still work") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-vae-2"));
  auto thrower = std::make_unique<ThrowingPanel>();
  ThrowingPanel* t = thrower.get();
  app->addPanel({std::move(thrower), [](ModelKind) { return Placement{PanelRole::Side, 0.2f, 10, 5}; }});
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));
  CHECK(!app->frameFailed());
  t->armed = true;
  app->headlessFrame();
  CHECK(app->frameFailed());
  REQUIRE(app->messages().newest());
  CHECK(app->messages().newest()->error);
  CHECK(app->messages().newest()->text.find("the panel broke") != std::string::npos);
  t->armed = false;
  for (int i = 0; i < 3; ++i) app->headlessFrame();  // ImGui's stacks were put right
  CHECK(app->rects().count("window:thrower") == 1);
  CHECK(app->rects().count("map") == 1);
}

TEST_CASE("Shift+Enter steps the diffusion run whatever panel has focus, Esc cancels it, not while typing") {
  Headless imgui;
  auto app = makeApp(bundled("fashion-ldm"));
  EngineClient& e = app->engine();
  REQUIRE(framesUntil(*app, [&] { return app->settled(); }));  // the first run has finished
  REQUIRE(app->shownPanels().size() >= 5);
  for (Panel* p : app->shownPanels()) {
    std::string focus = "###" + p->id();
    CAPTURE(focus);
    uint64_t runs = e.sampleA.run;
    pressKey(*app, GLFW_KEY_ENTER, focus.c_str(), /*shift=*/true);
    CHECK(e.sampleA.run == runs + 1);  // one new run, held after its first step
    REQUIRE(framesUntil(*app, [&] { return e.sampleA.frames.size() == 1 && e.sampleA.gate->waiting(); }));
    CHECK(e.samplePaused());
    pressKey(*app, GLFW_KEY_ENTER, focus.c_str(), /*shift=*/true);  // one more step
    REQUIRE(framesUntil(*app, [&] { return e.sampleA.frames.size() == 2 && e.sampleA.gate->waiting(); }));
    pressKey(*app, GLFW_KEY_ESCAPE, focus.c_str());  // cancel
    REQUIRE(framesUntil(*app, [&] { return !e.sampling() && e.idle(); }));
    CHECK(e.sampleA.frames.size() == 2);
  }
  // Typing in a field: Shift+Enter is the field's.
  uint64_t runs = e.sampleA.run;
  ImGuiIO& io = ImGui::GetIO();
  app->update();
  io.KeysDown[GLFW_KEY_ENTER] = true;
  io.KeyShift = true;
  ImGui::NewFrame();
  io.WantTextInput = true;
  app->buildFrame(1600, 1000);
  ImGui::Render();
  io.KeysDown[GLFW_KEY_ENTER] = false;
  io.KeyShift = false;
  app->headlessFrame();
  CHECK(e.sampleA.run == runs);
}
