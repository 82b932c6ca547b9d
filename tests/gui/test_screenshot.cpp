// Real-window tests under Xvfb (Mesa llvmpipe): a stored session's screenshot shows the map
// with points of several class colours, and a decoded image that matches the engine's own
// decode of the session's cursor latent, pixel by pixel. Bad sessions exit 3.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "app/map_points.h"
#include "engine/data/image_io.h"
#include "engine/explore/explorer.h"
#include "test_support.h"
#include "window_shot.h"

using namespace latentlab;
using nlohmann::json;

namespace {
std::string model() { return test::sourcePath("assets/models/fashion-vae-16"); }

test::RunResult screenshot(const std::string& session, const std::string& png) {
  return test::screenshotSession(session, png);
}

json customSession(const std::vector<float>& origin, const std::vector<float>& u, const std::vector<float>& v,
                   double cu, double cv) {
  return json{{"format", "latentlab-session/1"},
              {"model", model()},
              {"data", "fashion-mnist:test"},
              {"device", "cpu"},
              {"map", {{"plane", {{"mode", "custom"}, {"origin", origin}, {"u", u}, {"v", v}}}}},
              {"cursor", {cu, cv}},
              {"image", {{"filter", "nearest"}}}};
}
}  // namespace

TEST_CASE("screenshot of a session shows the map and the exact decode under the cursor") {
  REQUIRE(std::filesystem::exists(model() + "/model.json"));
  std::string dir = test::tempDir("gui-shot");
  // A plane through the latent origin along dimensions 0 and 3, cursor off the origin.
  const int d = 16;
  std::vector<float> origin(d, 0.f), u(d, 0.f), v(d, 0.f);
  origin[5] = 0.4f;
  u[0] = 1.f;
  v[3] = 1.f;
  double cu = 0.8, cv = -0.6;
  test::writeText(dir + "/s.json", customSession(origin, u, v, cu, cv).dump(2));
  auto r = screenshot(dir + "/s.json", dir + "/out.png");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  Image shot = loadImageFile(dir + "/out.png");
  json side = json::parse(test::readText(dir + "/out.png.json"));
  CHECK(shot.width == 1600);
  CHECK(shot.height == 1000);

  // The map region holds points of several class colours.
  auto m = side["map"].get<std::vector<float>>();
  REQUIRE(m.size() == 4);
  std::set<int> classesSeen;
  std::vector<int> counts(10, 0);
  for (int y = int(m[1]); y < int(m[1] + m[3]); ++y)
    for (int x = int(m[0]); x < int(m[0] + m[2]); ++x) {
      const uint8_t* p = shot.at(x, y);
      for (int c = 0; c < 10; ++c) {
        ImU32 col = classColor(c);
        int dr = std::abs(int(p[0]) - int(col & 0xff)), dg = std::abs(int(p[1]) - int((col >> 8) & 0xff)),
            db = std::abs(int(p[2]) - int((col >> 16) & 0xff));
        if (dr + dg + db < 12) ++counts[size_t(c)];
      }
    }
  for (int c = 0; c < 10; ++c)
    if (counts[size_t(c)] > 30) classesSeen.insert(c);
  CHECK(classesSeen.size() >= 6);
  CHECK(side["points"].get<int>() == 10000);

  // The decoded image equals the engine's decode of origin + cu*u + cv*v.
  std::vector<float> z(d);
  for (int k = 0; k < d; ++k) z[size_t(k)] = float(origin[size_t(k)] + cu * u[size_t(k)] + cv * v[size_t(k)]);
  auto sideZ = side["cursor_latent"].get<std::vector<float>>();
  REQUIRE(sideZ.size() == size_t(d));
  for (int k = 0; k < d; ++k) CHECK(sideZ[size_t(k)] == doctest::Approx(z[size_t(k)]).epsilon(1e-5));
  Image expected = ExploreModel::load(model(), "cpu")->decode(z);
  auto rect = side["decoded"].get<std::vector<float>>();
  REQUIRE(rect.size() == 4);
  CHECK(rect[2] >= 28 * 4);  // shown large enough to see
  int worst = 0;
  double sum = 0;
  int n = 0;
  for (int ty = 0; ty < expected.height; ++ty)
    for (int tx = 0; tx < expected.width; ++tx) {
      int x = int(rect[0] + (tx + 0.5f) * rect[2] / expected.width);
      int y = int(rect[1] + (ty + 0.5f) * rect[3] / expected.height);
      int want = expected.at(tx, ty)[0];
      const uint8_t* p = shot.at(x, y);
      for (int c = 0; c < 3; ++c) {
        int diff = std::abs(int(p[c]) - want);
        worst = std::max(worst, diff);
        sum += diff;
        ++n;
      }
    }
  CHECK(worst <= 4);
  CHECK(sum / n < 1.0);
  // Not a blank square: the decode has structure, so matching it means something.
  int lo = 255, hi = 0;
  for (auto px : expected.pixels) {
    lo = std::min(lo, int(px));
    hi = std::max(hi, int(px));
  }
  CHECK(hi - lo > 100);
}

TEST_CASE("a bad session exits 3 with one line on stderr") {
  std::string dir = test::tempDir("gui-bad");
  test::writeText(dir + "/bad.json", "{\"format\": \"latentlab-session/1\", ");
  auto r = screenshot(dir + "/bad.json", dir + "/out.png");
  CHECK(r.exitCode == 3);
  CHECK(r.err.find("bad.json") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/out.png"));

  json missing{{"format", "latentlab-session/1"}, {"model", dir + "/no-such-model"}};
  test::writeText(dir + "/missing.json", missing.dump());
  r = screenshot(dir + "/missing.json", dir + "/out2.png");
  CHECK(r.exitCode == 3);
  CHECK(r.err.find("no-such-model") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/out2.png"));
}
