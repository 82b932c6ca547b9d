// The GAN views of the window on a user's TorchScript generator (issue 11), headless: the
// Seed grid shows PyTorch's images of the same module for the seeds around the centre, at the
// model's recommended psi, in the chosen class; the map's cursor decodes the plane point's
// z as PyTorch does; the Invert tab, clicked through ImGui, inverts one of PyTorch's own
// pictures through the module (finds its class, error near 0); a bad generator opened in the
// window is a message naming its fault and the open one stays. The generator (gen_shapes.pt: 3 x 32 x 32, four shape classes) is exported
// at test time by Debian's python3-torch; references from tools/reference/torchscript_generate.py.
#include <doctest/doctest.h>

#include <torch/torch.h>

#include <cmath>

#include "app/gan/seed_grid_panel.h"
#include "app/panels/param_help.h"
#include "app/gan/seed_space.h"
#include "app_test_support.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {

const std::string& generatorFile() {
  static const std::string path = [] {
    std::string d = test::tempDir("gan_ts_views");
    auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " + test::sourcePath("tools/export/example_models.py") +
                              " " + d + " gen_shapes gen_bad");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d + "/gen_shapes.pt";
  }();
  return path;
}

// PyTorch's 8-bit images of the generator, one list per line of `jobs` (torchscript_generate.py's
// options), made in one python start.
std::vector<std::vector<Image>> pytorchImages(const std::vector<std::string>& jobs) {
  std::string dir = test::tempDir("gan_ts_views_ref"), lines;
  for (size_t i = 0; i < jobs.size(); ++i)
    lines += generatorFile() + " " + dir + "/ref" + std::to_string(i) + ".npy " + jobs[i] + "\n";
  test::writeText(dir + "/jobs.txt", lines);
  auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " +
                            test::sourcePath("tools/reference/torchscript_generate.py") + " --jobs " + dir + "/jobs.txt");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  std::vector<std::vector<Image>> out;
  for (size_t i = 0; i < jobs.size(); ++i)
    out.push_back(tensorToImages(npyToTensor(readNpy(dir + "/ref" + std::to_string(i) + ".npy"))));
  return out;
}

using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

}  // namespace

TEST_CASE("the Seed grid and the map show a TorchScript generator's images") {
  Headless imgui;
  // The data: PyTorch's own pictures of the generator (the map shows its samples; the Invert
  // tab reads these).
  const std::string dir = generatorFile().substr(0, generatorFile().rfind('/'));
  auto app = test::makeHeadlessApp(generatorFile(), "npy:" + dir + "/gen_shapes_out.npy");
  auto* panel = dynamic_cast<SeedGridPanel*>(app->panel("seeds"));
  REQUIRE(panel);
  auto settled = [&] { return panel->images().size() == size_t(panel->k() * panel->k()) && !panel->pending(); };
  REQUIRE(test::framesUntil(*app, settled));
  CHECK(app->modelKind() == ModelKind::Gan);
  CHECK(panel->psi() == doctest::Approx(0.8));  // latentlab.json's truncation
  const int k = panel->k(), mid = k / 2;
  auto cell = [&](int r, int c) { return panel->images()[size_t(r * k + c)]; };
  // Centre seed 0, right neighbour seed 1, the cell below seed 100 (seed space: x + 100 y).
  auto refs = pytorchImages({"--seeds 0,1,100 --psi 0.8 --class 0", "--seeds 0 --psi 0.8 --class 2"});
  const auto& ref = refs[0];
  CHECK(test::maxPixelDiff(cell(mid, mid), ref[0]) <= 1);
  CHECK(test::maxPixelDiff(cell(mid, mid + 1), ref[1]) <= 1);
  CHECK(test::maxPixelDiff(cell(mid + 1, mid), ref[2]) <= 1);
  CHECK(test::maxPixelDiff(cell(mid, mid), cell(mid, mid + 1)) > 40);  // another seed, another picture

  // The class: the window's decode class (what the class combo writes) redraws the grid.
  app->state().decodeClass = 2;
  REQUIRE(test::framesUntil(*app, [&] { return settled() && panel->classId() == 2; }));
  REQUIRE(test::framesUntil(*app, settled));
  CHECK(test::maxPixelDiff(cell(mid, mid), refs[1][0]) <= 1);

  // The map of its samples: a drag decodes the plane point's z with that class.
  REQUIRE(test::framesUntil(*app, [&] {
    return app->engine().latents() && app->engine().points().count() > 0 && app->rects().count("map");
  }));
  ImVec4 m = app->rects().at("map");
  ImVec2 a(m.x + m.z * 0.5f, m.y + m.w * 0.5f), b(a.x + 30, a.y - 20);
  test::mouseFrame(*app, a);
  test::mouseFrame(*app, a, true);
  test::mouseFrame(*app, b, true);
  test::mouseFrame(*app, b, true);
  test::mouseFrame(*app, b);
  const AppState& s = app->state();
  std::vector<float> z = s.plane.toLatent(s.cursorU, s.cursorV);
  REQUIRE(test::framesUntil(*app, [&] { return app->engine().cursorLatent == z; }));
  std::string zPath = test::tempDir("gan_ts_views_z") + "/z.npy";
  writeTensorNpy(zPath, torch::from_blob(z.data(), {1, int64_t(z.size())}, torch::kFloat).clone());
  CHECK(test::maxPixelDiff(app->engine().cursorImage,
                           pytorchImages({"--z " + zPath + " --class " + std::to_string(s.decodeClass)})[0][0]) <= 1);

  // Inversion, as a user does it: the tab, image #2 (a ring), search every class, Invert.
  panel->showInversionTab();
  InversionView& inv = panel->inversion();
  inv.item = 2;
  inv.classChoice = -1;
  inv.steps = 40;
  REQUIRE(test::framesUntil(*app, [&] { return helpItemRect("invert-run").z > 0; }));
  ImVec4 btn = helpItemRect("invert-run");
  ImVec2 at(std::floor(btn.x + btn.z * 0.5f), std::floor(btn.y + btn.w * 0.5f));
  test::mouseFrame(*app, at);
  test::mouseFrame(*app, at, true);
  test::mouseFrame(*app, at);
  REQUIRE(test::framesUntil(*app, [&] { return !inv.running() && !inv.status().empty() && inv.status() != "starting"; }));
  CHECK_MESSAGE(inv.status().rfind("done", 0) == 0, inv.status());
  CHECK(inv.resultClass() == 2);
  CHECK(inv.resultMse() < 1e-3);
  CHECK(inv.resultZ().size() == 16);

  // A bad generator opened in the window: its fault in a message, the shapes generator stays.
  app->openModel(dir + "/gen_wrong_shape.pt");
  auto errors = [&] {
    std::string out;
    for (const auto& msg : app->messages().all())
      if (msg.error) out += msg.text + "\n";
    return out;
  };
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && errors().find("gen_wrong_shape") != std::string::npos; }));
  CHECK(errors().find("returned shape [2, 3, 16, 16], expected [2, 3, 32, 32]") != std::string::npos);
  REQUIRE(app->engine().model());
  CHECK(app->engine().model()->dir == generatorFile());
  CHECK(!app->frameFailed());
}
