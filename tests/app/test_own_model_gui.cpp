// The whole window on a user's own model: a 3 x 32 x 48 TorchScript VAE with a 4 x 8 x 12
// latent, exported at test time by Debian's python3-torch (tools/export/example_models.py)
// as ONE .pt file, opened by the headless GuiApp on an RGB data set of its size (npy). Every
// panel of the kind is opened and drawn; the map, the cursor decode, the clicked item's
// reconstruction, the manifold grid and every export come out RGB at 48 x 32 per image, and
// no panel reports an error. A bad file is a message and the app stays up. A model whose
// weights are buffers (a PCA basis) says so in the Model panel instead of "0 parameters".
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "app/export/export_render.h"
#include "app/gui_app.h"
#include "app/panels/model_panel.h"
#include "app/widgets/image_fit.h"
#include "app_test_support.h"
#include "engine/explore/explorer.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {

using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = test::tempDir("own_model_gui");
    auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " +
                              test::sourcePath("tools/export/example_models.py") + " " + d + " vae_wide");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    test::writeText(d + "/not_a_model.pt", "this is not a zip archive");
    // A PCA "VAE" of the wide data's shape whose weights are buffers, not parameters;
    // PyTorch counts the buffers' values (buffers.txt).
    test::writeText(d + "/pca.py", R"(import json, sys, torch
class PCA(torch.nn.Module):
    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.register_buffer("mu", torch.rand(3 * 32 * 48, generator=g))
        self.register_buffer("basis", torch.randn(3 * 32 * 48, 6, generator=g) / 64)
    @torch.jit.export
    def encode(self, x):
        return (x.reshape(x.shape[0], -1) - self.mu) @ self.basis
    @torch.jit.export
    def decode(self, z):
        return (z @ self.basis.t() + self.mu).clamp(0, 1).reshape(z.shape[0], 3, 32, 48)
m = PCA().eval()
meta = {"format": "latentlab-model/1", "name": "PCA in buffers", "kind": "autoencoder",
        "image": {"channels": 3, "height": 32, "width": 48, "range": [0, 1]}, "latent": {"shape": [6]}}
torch.jit.save(torch.jit.script(m), sys.argv[1] + "/pca.pt", _extra_files={"latentlab.json": json.dumps(meta)})
open(sys.argv[1] + "/buffers.txt", "w").write("%d %d" % (sum(b.numel() for b in m.buffers()), sum(p.numel() for p in m.parameters())))
)");
    r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " + d + "/pca.py " + d);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
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

TEST_CASE("a TorchScript model whose weights are buffers: the Model panel counts them as weights") {
  Headless imgui;
  auto app = test::makeHeadlessApp(fixtures() + "/pca.pt", "npy:" + fixtures() + "/vae_wide_data.npy");
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  const ModelInfo* m = app->engine().model();
  REQUIRE_MESSAGE(m, app->engine().modelError);
  long long buffers = 0, params = -1;
  REQUIRE(std::sscanf(test::readText(fixtures() + "/buffers.txt").c_str(), "%lld %lld", &buffers, &params) == 2);
  CHECK(buffers == 3 * 32 * 48 * 7);  // mu and a 6-column basis
  CHECK(params == 0);
  CHECK(m->parameterCount == params);
  CHECK(m->bufferValueCount == buffers);
  CHECK(weightsLine(m->parameterCount, m->bufferValueCount, m->device) ==
        "32,256 weights, all in buffers (not parameters), on cpu");
  // The CLI says the same: info and probe (its child process) report the buffers' values.
  for (const char* cmd : {" info --json --model ", " probe --json "}) {
    CAPTURE(cmd);
    auto r = test::runCommand(std::string(LATENTLAB_BIN) + cmd + fixtures() + "/pca.pt");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["parameters"].get<long long>() == params);
    CHECK(j["buffer_values"].get<long long>() == buffers);
  }
  auto text = test::runCommand(std::string(LATENTLAB_BIN) + " info --model " + fixtures() + "/pca.pt");
  CHECK(text.out.find("buffers     32256 values") != std::string::npos);
  // The exported VAE keeps its weights in parameters and has no buffers.
  app.reset();
  auto vae = test::makeHeadlessApp(fixtures() + "/vae_wide.pt", "npy:" + fixtures() + "/vae_wide_data.npy");
  REQUIRE(test::framesUntil(*vae, [&] { return vae->settled(); }));
  REQUIRE(vae->engine().model());
  CHECK(vae->engine().model()->bufferValueCount == 0);
  CHECK(vae->engine().model()->parameterCount > 0);
}

TEST_CASE("the weights line: exact below 100,000, millions above; buffers named when there are any") {
  CHECK(weightsLine(33123, 0, "cpu") == "33,123 parameters on cpu");
  CHECK(weightsLine(999, 0, "cuda:0") == "999 parameters on cuda:0");
  CHECK(weightsLine(1254000, 0, "cpu") == "1.25M parameters on cpu");
  CHECK(weightsLine(100000, 0, "cpu") == "0.10M parameters on cpu");
  CHECK(weightsLine(0, 0, "cpu") == "0 parameters on cpu");
  CHECK(weightsLine(0, 24584, "cpu") == "24,584 weights, all in buffers (not parameters), on cpu");
  CHECK(weightsLine(33123, 1024, "cpu") == "33,123 parameters and 1,024 values in buffers, on cpu");
}
