// The Seed grid (app/gan/seed_grid_panel.h, app/gan/seed_space.h) on the bundled fashion-gan,
// driven through ImGui input on a headless GuiApp: seed-space arithmetic as the StyleGAN3
// visualizer does it, the centre cell is the generator's image of psi * z(seed) (checked
// against GanBundle, not the explore face the panel uses) with psi = the bundle's
// "truncation" by default, a drag of one cell to the left moves one seed to the right (the
// new centre is the blend at the dragged point, and nearly the old right neighbour), a click centres a cell, a
// fractional point blends the neighbouring seeds' z, and the class selector changes the class.
#include <doctest/doctest.h>

#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/gan/seed_grid_panel.h"
#include "app/gan/seed_space.h"
#include "app/panels/param_help.h"
#include "app_test_support.h"
#include "engine/data/image_tensor.h"
#include "engine/models/gan_bundle.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {
std::string ganDir() { return test::sourcePath("assets/models/fashion-gan"); }

using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

// The generator's image of psi * z for `blend` of seeds, class c: straight from GanBundle.
Image reference(GanBundle& gan, const std::vector<SeedWeight>& blend, double psi, int c) {
  auto z = torch::zeros({1, int64_t(gan.latentDim())});
  for (const SeedWeight& w : blend) z += w.weight * gan.sampleLatents(1, w.seed);
  return tensorToImages(gan.generate(z, torch::full({1}, int64_t(c), torch::kLong), psi))[0];
}
}  // namespace

TEST_CASE("seed space: whole points are one seed, fractional points blend four with weights summing to 1") {
  auto b = seedBlend(12, 3);
  REQUIRE(b.size() == 1);
  CHECK(b[0].seed == 312u);
  CHECK(b[0].weight == 1.0);
  b = seedBlend(12.25, 3);
  REQUIRE(b.size() == 2);
  CHECK(b[0].seed == 312u);
  CHECK(b[0].weight == doctest::Approx(0.75));
  CHECK(b[1].seed == 313u);
  b = seedBlend(0.5, 0.5);
  REQUIRE(b.size() == 4);
  double sum = 0;
  for (auto& w : b) sum += w.weight;
  CHECK(sum == doctest::Approx(1.0));
  CHECK(seedBlend(-1, 0)[0].seed == 0xffffffffu);  // wraps like the visualizer's & (2^32 - 1)
  auto z = blendLatents(seedBlend(2.5, 0), 2, [](uint32_t s) { return std::vector<float>{float(s), 1.f}; });
  CHECK(z[0] == doctest::Approx(2.5));
  CHECK(z[1] == doctest::Approx(1.0));
  CHECK(seedLabel(7, 0) == "seed 7");
  CHECK(seedLabel(7.5, 1) == "seed 107 +0.50, +0.00");
}

TEST_CASE("the seed grid: psi from the bundle, exact images, drag one cell = one seed, click centres, class") {
  Headless imgui;
  auto app = test::makeHeadlessApp(ganDir(), "fashion-mnist:test");
  auto* panel = dynamic_cast<SeedGridPanel*>(app->panel("seeds"));
  REQUIRE(panel);
  auto settled = [&] { return panel->images().size() == size_t(panel->k() * panel->k()) && !panel->pending(); };
  REQUIRE(test::framesUntil(*app, settled));
  CHECK(app->modelKind() == ModelKind::Gan);

  const double psi = nlohmann::json::parse(test::readText(ganDir() + "/model.json")).at("truncation").get<double>();
  CHECK(panel->psi() == doctest::Approx(psi));
  auto gan = loadGanBundle(ganDir());
  const int k = panel->k(), mid = k / 2;
  auto cell = [&](int r, int c) { return panel->images()[size_t(r * k + c)]; };
  CHECK(test::maxPixelDiff(cell(mid, mid), reference(*gan, seedBlend(0, 0), psi, 0)) <= 1);
  CHECK(test::maxPixelDiff(cell(mid, mid + 1), reference(*gan, seedBlend(1, 0), psi, 0)) <= 1);
  CHECK(test::maxPixelDiff(cell(mid + 1, mid), reference(*gan, seedBlend(0, 1), psi, 0)) <= 1);  // seed 100
  CHECK(test::maxPixelDiff(cell(mid, mid), cell(mid, mid + 1)) > 40);  // different seeds, different clothes
  const Image right = cell(mid, mid + 1);

  // Drag the grid one cell to the left (ImGui floors mouse positions: whole pixels, so the
  // move is floor(cell) / cell seeds): the seed to the right comes (almost exactly) to the centre.
  ImVec4 g = app->rects().at("seed-grid");
  const float cw = g.z / float(k);
  const float d1 = std::floor(cw), d2 = std::floor(cw * 0.5f);
  ImVec2 start(std::floor(g.x + g.z * 0.5f), std::floor(g.y + g.w * 0.5f));
  test::mouseFrame(*app, start);
  test::mouseFrame(*app, start, true);
  for (int i = 1; i <= 8; ++i) test::mouseFrame(*app, ImVec2(start.x - std::floor(d1 * float(i) / 8.f), start.y), true);
  test::mouseFrame(*app, ImVec2(start.x - d1, start.y));
  const double x1 = double(d1) / double(cw);
  CHECK(panel->x() == doctest::Approx(x1).epsilon(1e-5));
  CHECK(panel->y() == doctest::Approx(0.0));
  REQUIRE(test::framesUntil(*app, settled));
  CHECK(test::maxPixelDiff(cell(mid, mid), reference(*gan, seedBlend(x1, 0), psi, 0)) <= 1);
  double mean = 0;
  for (size_t i = 0; i < right.pixels.size(); ++i) mean += std::abs(int(cell(mid, mid).pixels[i]) - int(right.pixels[i]));
  CHECK(mean / double(right.pixels.size()) < 4.0);  // nearly seed 1's picture

  // Half a cell further: the centre blends seeds 1 and 2 (blended z, then psi).
  test::mouseFrame(*app, start);
  test::mouseFrame(*app, start, true);
  for (int i = 1; i <= 4; ++i) test::mouseFrame(*app, ImVec2(start.x - std::floor(d2 * float(i) / 4.f), start.y), true);
  test::mouseFrame(*app, ImVec2(start.x - d2, start.y));
  const double x2 = x1 + double(d2) / double(cw);
  CHECK(panel->x() == doctest::Approx(x2).epsilon(1e-5));
  CHECK(seedBlend(x2, 0).size() == 2);
  REQUIRE(test::framesUntil(*app, settled));
  CHECK(test::maxPixelDiff(cell(mid, mid), reference(*gan, seedBlend(x2, 0), psi, 0)) <= 1);

  // A click (no drag) on the cell below the centre makes it the centre.
  ImVec2 below(std::floor(g.x + cw * (float(mid) + 0.5f)), std::floor(g.y + cw * (float(mid + 1) + 0.5f)));
  test::mouseFrame(*app, below);
  test::mouseFrame(*app, below, true);
  test::mouseFrame(*app, below);
  test::mouseFrame(*app, below);
  CHECK(panel->x() == doctest::Approx(x2));
  CHECK(panel->y() == doctest::Approx(1.0));

  // The class: the window's decode class (map cursor, manifold grid and this grid).
  app->state().decodeClass = 5;  // what the class combo writes
  REQUIRE(test::framesUntil(*app, [&] { return settled() && panel->classId() == 5; }));
  REQUIRE(test::framesUntil(*app, settled));
  CHECK(test::maxPixelDiff(cell(mid, mid), reference(*gan, seedBlend(x2, 1), psi, 5)) <= 1);
}
