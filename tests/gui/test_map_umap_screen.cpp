// Real window under Xvfb: a session in UMAP mode on 1,500 Fashion-MNIST test images waits
// for the layout to converge on the background worker, then shows the clusters in their
// class colours, says the decode is approximate, and the cursor (on item 0's place) decodes
// exactly item 0's latent (the inverse blend at a data point is that point's latent).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "app/app_test_support.h"
#include "app/map_points.h"
#include "engine/data/image_io.h"
#include "engine/explore/explorer.h"

using namespace latentlab;
using nlohmann::json;

TEST_CASE("a converged UMAP of the test set in the real window") {
  std::string dir = test::tempDir("map_umap_screen");
  std::string data = test::smallFashion(1500);
  std::string model = test::sourcePath("assets/models/fashion-vae-16");
  json session = {{"format", "latentlab-session/1"},
                  {"model", model},
                  {"data", data},
                  {"device", "cpu"},
                  {"map", {{"plane", {{"mode", "umap"}}}}},
                  {"panels", {{"map", {{"layout", {{"neighbors", 15}, {"min_dist", 0.1}, {"seed", 1}}}}}}}};
  test::writeText(dir + "/s.json", session.dump(2));
  auto r = test::runCommand("xvfb-run -a -s \"-screen 0 1600x1000x24\" " + std::string(LATENTLAB_BIN) +
                            " --session " + dir + "/s.json --screenshot " + dir + "/out.png");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  Image shot = loadImageFile(dir + "/out.png");
  json side = json::parse(test::readText(dir + "/out.png.json"));
  CHECK(side["points"].get<int>() == 1500);
  CHECK(side.contains("map/layout-progress"));
  CHECK(side.contains("map/inverse-note"));  // the approximate-decode line is on screen
  // Points of most classes inside the map.
  auto m = side["map"].get<std::vector<float>>();
  REQUIRE(m.size() == 4);
  std::vector<int> counts(10, 0);
  for (int y = int(m[1]); y < int(m[1] + m[3]); ++y)
    for (int x = int(m[0]); x < int(m[0] + m[2]); ++x) {
      const uint8_t* p = shot.at(x, y);
      for (int c = 0; c < 10; ++c) {
        ImU32 col = classColor(c);
        int d = std::abs(int(p[0]) - int(col & 0xff)) + std::abs(int(p[1]) - int((col >> 8) & 0xff)) +
                std::abs(int(p[2]) - int((col >> 16) & 0xff));
        if (d < 12) ++counts[size_t(c)];
      }
    }
  int seen = 0;
  for (int c : counts) seen += c > 30;
  CHECK(seen >= 8);
  // The cursor sits on item 0 and decodes exactly its latent.
  auto z = side["cursor_latent"].get<std::vector<float>>();
  auto explore = ExploreModel::load(model, "cpu");
  DatasetOptions o;
  o.limit = 1;
  LatentSet one = explore->encode(openDataset(data, o));
  REQUIRE(z.size() == size_t(one.dim));
  for (int c = 0; c < one.dim; ++c) CHECK(z[size_t(c)] == doctest::Approx(one.z[size_t(c)]).epsilon(1e-4));
}
