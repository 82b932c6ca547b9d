// The whole window on a user's own model: a 3 x 32 x 48 TorchScript VAE with a 4 x 8 x 12
// latent, exported at test time by Debian's python3-torch (tools/export/example_models.py)
// as ONE .pt file, opened by the headless GuiApp on an RGB data set of its size (npy). Every
// panel of the kind is opened and drawn; the map, the cursor decode, the clicked item's
// reconstruction, the manifold grid and every export come out RGB at 48 x 32 per image, and
// no panel reports an error. A bad file is a message and the app stays up.
#include <doctest/doctest.h>

#include "app/export/export_render.h"
#include "app/gui_app.h"
#include "app/widgets/image_fit.h"
#include "app_test_support.h"
#include "engine/explore/explorer.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {

struct Headless {
  Headless() { test::startHeadlessImGui(ImVec2(1600, 1000)); }
  ~Headless() { ImGui::DestroyContext(); }
};

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = test::tempDir("own_model_gui");
    auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " +
                              test::sourcePath("tools/export/example_models.py") + " " + d + " vae_wide");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    test::writeText(d + "/not_a_model.pt", "this is not a zip archive");
    return d;
  }();
  return dir;
}

// Every error message, except the Directions panel's note that SeFa finds no first linear
// layer in a TorchScript model (true: SeFa reads built-in weights; reported to U, 08:20 LOG).
std::string errorsOf(const GuiApp& app) {
  std::string out;
  for (const auto& m : app.messages().all())
    if (m.error && m.text.find("(SeFa needs one)") == std::string::npos) out += m.text + "\n";
  return out;
}

}  // namespace

TEST_CASE("a 3x32x48 TorchScript VAE in one .pt file: every panel and every export at its size") {
  Headless imgui;
  auto app = test::makeHeadlessApp(fixtures() + "/vae_wide.pt", "npy:" + fixtures() + "/vae_wide_data.npy");
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  REQUIRE_MESSAGE(e.model(), e.modelError);
  CHECK(e.model()->channels == 3);
  CHECK(e.model()->height == 32);
  CHECK(e.model()->width == 48);
  CHECK(e.model()->latentDim == 4 * 8 * 12);
  REQUIRE(e.latents());
  CHECK(e.latents()->count == 48);
  CHECK(e.latents()->dim == 384);

  // Every panel this kind of model shows, opened and drawn; then a clicked point.
  for (Panel* p : app->shownPanels()) p->open = true;
  app->state().selected = 5;
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && e.selectedIndex == 5; }));
  for (int i = 0; i < 5; ++i) app->headlessFrame();
  CHECK(!app->frameFailed());
  CHECK_MESSAGE(errorsOf(*app).empty(), errorsOf(*app));
  CHECK(e.modelError.empty());
  CHECK(e.dataError.empty());
  for (Panel* p : app->shownPanels()) {
    CAPTURE(p->id());
    CHECK(app->rects().count("window:" + p->id()) == 1);  // drawn this frame
  }

  for (const Image* im : {&e.cursorImage, &e.selectedOriginal, &e.selectedRecon}) {
    CHECK(im->width == 48);
    CHECK(im->height == 32);
    CHECK(im->channels == 3);
  }
  // The grid atlas is k x k tiles of 48 x 32.
  REQUIRE(e.grid.k > 0);
  CHECK(e.grid.atlas.width == 48 * e.grid.k);
  CHECK(e.grid.atlas.height == 32 * e.grid.k);
  CHECK(e.grid.atlas.channels == 3);
  // The reconstruction is the model's decode of the item's encoding, checked independently.
  auto model = ExploreModel::load(fixtures() + "/vae_wide.pt", "cpu");
  Image again = model->reconstruct(e.selectedOriginal);
  CHECK(again.pixels == e.selectedRecon.pixels);

  // Exports: the decoded image at 2x keeps the aspect, the grid and the map render.
  ExportView v;
  v.decoded = &e.cursorImage;
  v.grid = &e.grid.atlas;
  v.points = &e.points();
  v.state = &app->state();
  auto map = app->rects().find("map");
  REQUIRE(map != app->rects().end());
  v.mapW = map->second.z, v.mapH = map->second.w;
  ExportOptions o;
  o.scale = 2;
  std::string err;
  Image dec = renderExport(ExportKind::Decoded, v, o, &err);
  CHECK_MESSAGE(err.empty(), err);
  CHECK(dec.width == 96);
  CHECK(dec.height == 64);
  Image grid = renderExport(ExportKind::Grid, v, o, &err);
  CHECK_MESSAGE(err.empty(), err);
  CHECK(grid.width == 2 * 48 * e.grid.k);
  CHECK(grid.height == 2 * 32 * e.grid.k);
  Image mapImg = renderExport(ExportKind::Map, v, o, &err);
  CHECK_MESSAGE(err.empty(), err);
  CHECK(!mapImg.empty());
}

TEST_CASE("a file that is not TorchScript becomes a message; the open model stays") {
  Headless imgui;
  auto app = test::makeHeadlessApp(fixtures() + "/vae_wide.pt", "npy:" + fixtures() + "/vae_wide_data.npy");
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  REQUIRE(app->engine().model());
  app->openModel(fixtures() + "/not_a_model.pt");
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && !errorsOf(*app).empty(); }));
  CHECK(errorsOf(*app).find("not a TorchScript archive") != std::string::npos);
  REQUIRE(app->engine().model());
  CHECK(app->engine().model()->width == 48);  // still the VAE
  CHECK(!app->frameFailed());
}

TEST_CASE("a non-square image is fitted into a box without stretching") {
  ImVec2 wide = fitImageSize(48, 32, 300, 300);  // 3:2 in a square: full width
  CHECK(wide.x == doctest::Approx(300));
  CHECK(wide.y == doctest::Approx(200));
  ImVec2 tall = fitImageSize(48, 64, 300, 300);  // 3:4: full height
  CHECK(tall.x == doctest::Approx(225));
  CHECK(tall.y == doctest::Approx(300));
  ImVec2 sq = fitImageSize(28, 28, 120, 80);
  CHECK(sq.x == doctest::Approx(80));
  CHECK(sq.y == doctest::Approx(80));
  ImVec2 none = fitImageSize(Image(), 50, 40);  // nothing decoded yet: the box
  CHECK(none.x == 50);
  CHECK(none.y == 40);
}
