// The GAN's map (issue 14): dragging decodes the exact z of the plane point, as for a VAE,
// with the class chosen for the cursor; clicking a dot shows that sample as it was drawn:
// its own z and conditioning class. References come from the generator bundle loaded
// separately (engine/models/gan_bundle.h), not from the app's engine client.
#include <doctest/doctest.h>

#include <torch/torch.h>

#include <cmath>

#include "app/map_view.h"
#include "app_test_support.h"
#include "engine/data/image_tensor.h"
#include "engine/explore/explorer.h"
#include "engine/models/gan_bundle.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {
std::string ganDir() { return test::sourcePath("assets/models/fashion-gan"); }

// G(z, c) at psi = 1 (the map's z are already truncated as sampled), as 8-bit pixels.
Image generate(GanBundle& gan, const std::vector<float>& z, int c) {
  torch::NoGradGuard ng;
  auto t = torch::from_blob(const_cast<float*>(z.data()), {1, int64_t(z.size())}, torch::kFloat32).clone();
  return tensorToImages(gan.generate(t, torch::full({1}, int64_t(std::max(c, 0)), torch::kLong), 1.0))[0];
}
}  // namespace

TEST_CASE("GAN map: a drag decodes the plane point's exact z; a clicked dot shows its own z and class") {
  test::startHeadlessImGui(ImVec2(1600, 1000));
  {
    auto app = test::makeHeadlessApp(ganDir(), "fashion-mnist:test");
    REQUIRE(test::framesUntil(*app, [&] {
      return app->engine().latents() && app->engine().points().count() > 0 && app->rects().count("map");
    }));
    // The manifold grid (random z directions for a GAN) starts closed for a GAN: its
    // placement says so for this kind, though it is open for kind None at start.
    REQUIRE(app->panel("manifold"));
    CHECK_FALSE(app->panel("manifold")->open);
    auto gan = loadGanBundle(ganDir());
    const LatentSet& set = *app->engine().latents();
    ImVec4 m = app->rects().at("map");
    MapRect r{m.x, m.y, m.z, m.w};

    // Drag from the map's centre a little to the right and up.
    ImVec2 a(m.x + m.z * 0.5f, m.y + m.w * 0.5f), b(a.x + 40, a.y - 25);
    test::mouseFrame(*app, a);
    test::mouseFrame(*app, a, true);
    test::mouseFrame(*app, b, true);
    test::mouseFrame(*app, b, true);
    test::mouseFrame(*app, b);
    const AppState& s = app->state();
    std::vector<float> expectZ = s.plane.toLatent(s.cursorU, s.cursorV);
    REQUIRE(test::framesUntil(*app, [&] { return app->engine().cursorLatent == expectZ; }));
    CHECK(test::maxPixelDiff(app->engine().cursorImage, generate(*gan, expectZ, s.decodeClass)) <= 1);

    // Click the dot of sample i: the selected pair is that sample, decoded with its own class.
    const MapPoints& pts = app->engine().points();
    int64_t i = -1;
    float x = 0, y = 0;
    for (int64_t j = 0; j < set.count && i < 0; ++j) {
      s.view.toScreen(r, pts.uv[2 * size_t(j)], pts.uv[2 * size_t(j) + 1], x, y);
      bool inside = x > m.x + 30 && x < m.x + m.z - 30 && y > m.y + 30 && y < m.y + m.w - 30;
      // A dot with no other dot within 6 pixels, so the click picks exactly it.
      bool alone = inside;
      for (int64_t k = 0; alone && k < set.count; ++k) {
        if (k == j) continue;
        float kx, ky;
        s.view.toScreen(r, pts.uv[2 * size_t(k)], pts.uv[2 * size_t(k) + 1], kx, ky);
        alone = (kx - x) * (kx - x) + (ky - y) * (ky - y) > 36;
      }
      if (alone) i = j;
    }
    REQUIRE(i >= 0);
    ImVec2 dot(std::floor(x) + 0.5f, std::floor(y) + 0.5f);
    test::mouseFrame(*app, dot);
    test::mouseFrame(*app, dot, true);
    test::mouseFrame(*app, dot);
    CHECK(app->state().selected == i);
    REQUIRE(test::framesUntil(*app, [&] { return app->engine().selectedIndex == i && !app->engine().selectedOriginal.empty(); }));
    const int label = set.labels[size_t(i)];
    CHECK(label >= 0);
    CHECK(test::maxPixelDiff(app->engine().selectedOriginal, generate(*gan, set.latent(i), label)) <= 1);
    // The Decoded image panel calls it a sample and shows no "reconstruction" (no encoder).
    app->headlessFrame();
    CHECK(app->rects().count("image/selected-caption") == 1);
    CHECK(app->rects().count("image/reconstruction") == 0);
  }
  ImGui::DestroyContext();
}
