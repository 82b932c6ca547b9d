// The Compare panel (app/compare/compare_panel.h) in a headless GuiApp with the real engine:
// opened from its folder field and button with the open model itself as B, both pictures of
// the cursor's latent are that latent's decode and the difference is zero; the selected data
// point's B encoding is drawn on the map as a line from A's; a model with another latent size
// is refused with a message instead of a decode; B from a run's snapshot folder offers the run's
// epochs on a slider, and letting it go at the left end opens the first epoch as B.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

#include "app/compare/compare_panel.h"
#include "app/gui_app.h"
#include "app/steer/steer_latent.h"
#include "app_test_support.h"
#include "engine/explore/explorer.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {
using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test
void click(GuiApp& app, ImVec2 p) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = false;
  app.headlessFrame();
  io.MouseDown[0] = true;
  app.headlessFrame();
  io.MouseDown[0] = false;
  app.headlessFrame();
}
void clickRect(GuiApp& app, const std::string& key) {
  REQUIRE_MESSAGE(app.rects().count(key), key);
  ImVec4 r = app.rects().at(key);
  click(app, ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f)));
}
}  // namespace

TEST_CASE("Compare panel: a model against itself gives equal pictures and a zero difference") {
  Headless h;
  const std::string vae16 = test::sourcePath("assets/models/fashion-vae-16");
  auto app = test::makeHeadlessApp(vae16, test::smallFashion(300), 2);
  REQUIRE(test::framesUntil(*app, [&] { return app->engine().latents() && !app->engine().cursorImage.empty(); }));
  auto* cmp = dynamic_cast<ComparePanel*>(app->panel("compare"));
  REQUIRE(cmp);
  CHECK_FALSE(cmp->open);  // listed in View, closed until opened
  cmp->open = true;
  app->headlessFrame();
  app->headlessFrame();
  cmp->setPath(vae16);
  clickRect(*app, "compare/compare-open");
  REQUIRE(test::framesUntil(*app, [&] { return cmp->modelB() && !cmp->busy() && !cmp->imageA().empty(); }));
  const std::vector<float> z = steeredLatentOf(app->state());
  REQUIRE(z.size() == 16);
  Image expected = app->engine().exploreModel()->decode(z);
  CHECK(cmp->imageA().pixels == expected.pixels);
  CHECK(cmp->imageB().pixels == expected.pixels);
  CHECK(cmp->difference().maxAbs == 0);
  CHECK(cmp->difference().heat.width == 28);

  // The selected point: B's encoding (here the same model's) joined to A's on the map.
  app->state().selected = 3;
  REQUIRE(test::framesUntil(*app, [&] { return cmp->selectedB().size() == 16; }));
  auto latents = app->engine().latents();
  for (int k = 0; k < 16; ++k) CHECK(cmp->selectedB()[size_t(k)] == doctest::Approx(latents->row(3)[k]).epsilon(1e-4));
  app->headlessFrame();
  bool line = false;
  for (const auto& o : app->state().latentOverlays) line |= o.owner == "compare" && o.line.size() == 2;
  CHECK(line);

  // Another latent size: refused in words, nothing decoded with it.
  cmp->setPath(test::sourcePath("assets/models/fashion-vae-2"));
  clickRect(*app, "compare/compare-open");
  REQUIRE(test::framesUntil(*app, [&] { return cmp->modelB() && cmp->modelB()->info().latentDim == 2 && !cmp->busy(); }));
  app->headlessFrame();
  CHECK(cmp->message().find("another size") != std::string::npos);
}

TEST_CASE("Compare panel: a snapshot as B offers its run's epochs; the slider opens another one") {
  Headless h;
  namespace fs = std::filesystem;
  const std::string vae16 = test::sourcePath("assets/models/fashion-vae-16");
  // A run with two snapshots (the bundled model's files stand in for two epochs' weights).
  const std::string run = test::tempDir("compare-run");
  for (const char* e : {"epoch-0001", "epoch-0003"}) {
    fs::create_directories(run + "/snapshots/" + e);
    for (const char* f : {"model.json", "vae.safetensors"}) fs::copy_file(vae16 + "/" + f, run + "/snapshots/" + e + "/" + f);
  }
  auto app = test::makeHeadlessApp(vae16, test::smallFashion(300), 2);
  REQUIRE(test::framesUntil(*app, [&] { return app->engine().latents() && !app->engine().cursorImage.empty(); }));
  auto* cmp = dynamic_cast<ComparePanel*>(app->panel("compare"));
  REQUIRE(cmp);
  cmp->open = true;
  app->headlessFrame();
  app->headlessFrame();
  cmp->setPath(run + "/snapshots/epoch-0003");
  clickRect(*app, "compare/compare-open");
  REQUIRE(test::framesUntil(*app, [&] { return cmp->modelB() && !cmp->busy(); }));
  REQUIRE(cmp->snapshots().size() == 2);
  CHECK(cmp->snapshots()[0].epoch == 1);
  CHECK(cmp->snapshots()[1].epoch == 3);
  app->headlessFrame();
  REQUIRE(app->rects().count("compare/compare-epoch"));
  ImVec4 r = app->rects().at("compare/compare-epoch");
  click(*app, ImVec2(std::floor(r.x + 2), std::floor(r.y + r.w * 0.5f)));
  REQUIRE(test::framesUntil(*app, [&] { return !cmp->busy() && cmp->dirB() == cmp->snapshots()[0].dir; }));
  CHECK(fs::path(cmp->dirB()).filename() == "epoch-0001");
}
