// The latent map's t-SNE/UMAP driven through ImGui input on the real app (headless): pick
// UMAP in the Plane combo, the layout animates (several frames published) and finishes on
// the background worker; the cursor then decodes the inverse blend; back to PCA is instant
// and exact again; UMAP again shows the cached layout at once (no new run); Pause holds a
// t-SNE run, Resume continues it, Cancel stops it.
#include <cmath>
#include <set>

#include <imgui_internal.h>  // the open combo's pop-up window, to click its entries

#include "app/panels/latent_map_panel.h"
#include "app/panels/param_help.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {
using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

void mouseFrame(GuiApp& app, ImVec2 p, bool left = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = left;
  app.headlessFrame();
}

void click(GuiApp& app, ImVec2 p) {
  mouseFrame(app, p);
  mouseFrame(app, p, true);
  mouseFrame(app, p);
  mouseFrame(app, p);
}

ImVec2 centre(ImVec4 r) { return ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f)); }

// Opens the Plane combo and clicks entry `index` (0 pca, 1 axes, 2 points, 3 tsne, 4 umap).
void pickProjection(GuiApp& app, int index) {
  ImVec4 combo = helpItemRect("plane");
  REQUIRE(combo.z > 0);
  click(app, centre(combo));
  ImGuiContext& g = *GImGui;
  REQUIRE(g.OpenPopupStack.Size > 0);
  ImGuiWindow* popup = g.OpenPopupStack.back().Window;
  float fs = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  ImVec2 entry(std::floor(popup->Pos.x + popup->Size.x * 0.5f),
               std::floor(popup->Pos.y + ImGui::GetStyle().WindowPadding.y + index * (fs + sp) + fs * 0.5f));
  REQUIRE(entry.y < popup->Pos.y + popup->Size.y);
  click(app, entry);
}

LatentMapPanel& mapPanel(GuiApp& app) {
  auto* p = dynamic_cast<LatentMapPanel*>(app.panel("map"));
  REQUIRE(p);
  return *p;
}
}  // namespace

TEST_CASE("UMAP animates, finishes, decodes by the inverse blend; PCA is instant; the layout is cached") {
  Headless imgui;
  auto app = test::makeHeadlessApp(test::sourcePath("assets/models/fashion-vae-16"), test::smallFashion(600));
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  std::vector<float> pcaUv = e.points().uv;
  pickProjection(*app, 4);
  CHECK(app->state().planeMode == "umap");
  CHECK(app->state().plane.origin.empty());  // no exact plane behind this map
  std::set<uint64_t> versions;
  REQUIRE(test::framesUntil(*app, [&] {
    versions.insert(e.points().version);
    return mapPanel(*app).layoutControls().state() == MapLayout::State::Finished && app->settled();
  }));
  CHECK(versions.size() >= 3);  // frames arrived while it converged
  std::vector<float> umapUv = e.points().uv;
  REQUIRE(umapUv.size() == pcaUv.size());
  CHECK(umapUv != pcaUv);
  // The cursor decodes the blend of its neighbours' latents; at a data point, that point's latent.
  const InverseSample* smp = mapPanel(*app).cursorSample();
  REQUIRE(smp);
  CHECK(app->state().mapLatent == smp->latent);
  app->state().cursorU = umapUv[2 * 5];
  app->state().cursorV = umapUv[2 * 5 + 1];
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && e.cursorLatent == app->state().mapLatent; }));
  for (int c = 0; c < e.latents()->dim; ++c) CHECK(e.cursorLatent[size_t(c)] == doctest::Approx(e.latents()->row(5)[c]));
  // Back to PCA: the same points as before, at once, and an exact plane again.
  pickProjection(*app, 0);
  app->headlessFrame();
  CHECK(app->state().planeMode == "pca");
  CHECK(e.points().uv == pcaUv);
  CHECK_FALSE(app->state().plane.origin.empty());
  // UMAP again: the finished layout from the cache, no new job.
  pickProjection(*app, 4);
  app->headlessFrame();
  CHECK(mapPanel(*app).layoutControls().state() == MapLayout::State::Finished);
  CHECK(e.points().uv == umapUv);
}

TEST_CASE("t-SNE: Pause holds the layout, Resume continues, Cancel stops it") {
  Headless imgui;
  auto app = test::makeHeadlessApp(test::sourcePath("assets/models/fashion-vae-16"), test::smallFashion(600));
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  MapLayoutControls& c = mapPanel(*app).layoutControls();
  c.params.epochs = c.applied.epochs = 3000;  // long enough to catch it running
  pickProjection(*app, 3);
  CHECK(app->state().planeMode == "tsne");
  REQUIRE(test::framesUntil(*app, [&] { return c.layout() && c.layout()->frameStatus().epoch > 20; }));
  ImVec4 pause = helpItemRect("layout-pause");
  REQUIRE(pause.z > 0);
  click(*app, centre(pause));
  REQUIRE(test::framesUntil(*app, [&] { return c.state() == MapLayout::State::Paused; }));
  int at = c.layout()->frameStatus().epoch;
  uint64_t v = e.points().version;
  for (int i = 0; i < 20; ++i) app->headlessFrame();
  CHECK(c.layout()->frameStatus().epoch == at);  // held: nothing moves
  CHECK(e.points().version == v);
  CHECK(c.inverse());  // a paused map can be dragged on
  ImVec4 resume = helpItemRect("layout-resume");
  REQUIRE(resume.z > 0);
  click(*app, centre(resume));
  REQUIRE(test::framesUntil(*app, [&] { return c.layout()->frameStatus().epoch > at + 5; }));
  ImVec4 cancel = helpItemRect("layout-cancel");
  REQUIRE(cancel.z > 0);
  click(*app, centre(cancel));
  CHECK(c.state() == MapLayout::State::Cancelled);
  REQUIRE(test::framesUntil(*app, [&] { return app->engine().idle(); }));
  CHECK(c.layout()->frameStatus().epoch < 3000);
  CHECK(helpItemRect("layout-restart").z > 0);
  // The cancelled map keeps its frame and can be dragged on: the note says what a drag decodes.
  app->headlessFrame();
  CHECK(c.inverse());
  CAPTURE(mapPanel(*app).inverseNote());
  CHECK(mapPanel(*app).inverseNote().rfind("Drag decodes once", 0) == std::string::npos);
}
