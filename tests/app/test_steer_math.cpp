// The steering panels' helpers (app/steer/steer_engine.h, direction_set.h) against math
// written here: a path hits its endpoints with the requested frame count and slerp keeps
// norms; sliders add value x sigma along their directions, and an orthogonalised slider
// leaves the other directions' coordinates unchanged; the summed move saved as a direction
// repeats the edit at 1; strip and grid pictures put every tile in its place. (The engine's
// direction sources and files are tested in tests/engine/test_directions*.cpp.)
#include <doctest/doctest.h>

#include <cmath>

#include "app/steer/direction_set.h"
#include "app/steer/steer_engine.h"
#include "app/steer/steer_latent.h"
#include "engine/util/errors.h"

using namespace latentlab;

namespace {
double norm(const Latent& z) { return std::sqrt(dotOf(z, z)); }
Direction dir(const std::string& name, Latent v, double sigma) {
  Direction d;
  d.name = d.label = name;
  d.source = "file";
  d.sigma = sigma;
  d.vector = std::move(v);
  return d;
}
}  // namespace

TEST_CASE("paths: every endpoint is a frame, K frames per segment, slerp keeps norms") {
  Latent a = {3, 0, 0, 0}, b = {0, 3, 0, 0}, c = {0, 0, -3, 1};
  auto path = interpolatePath({a, b, c}, {true, false}, 5);
  REQUIRE(path.size() == 9);  // 2 segments x (5 - 1) + 1
  CHECK(path[0] == a);
  for (int k = 0; k < 4; ++k) CHECK(path[4][size_t(k)] == doctest::Approx(b[size_t(k)]).epsilon(1e-6));
  for (int k = 0; k < 4; ++k) CHECK(path[8][size_t(k)] == doctest::Approx(c[size_t(k)]).epsilon(1e-6));
  // Slerp between equal-norm endpoints stays on the sphere; its midpoint bisects the angle.
  for (int i = 0; i <= 4; ++i) CHECK(norm(path[size_t(i)]) == doctest::Approx(3.0).epsilon(1e-5));
  CHECK(path[2][0] == doctest::Approx(3 / std::sqrt(2.0)).epsilon(1e-5));
  // Lerp: the straight line, midpoint = the mean.
  for (int k = 0; k < 4; ++k) CHECK(path[6][size_t(k)] == doctest::Approx((b[size_t(k)] + c[size_t(k)]) / 2).epsilon(1e-5));
  CHECK_THROWS(interpolatePath({a}, {}, 5));
  CHECK_THROWS_AS(interpolatePath({a, Latent{1, 2}}, {}, 5), BadInput);
}

TEST_CASE("orthogonalised sliders leave the other directions' coordinates unchanged") {
  Latent d1 = {1, 0, 0, 0}, d2 = {0.6f, 0.8f, 0, 0}, d3 = {0.5f, 0.5f, 0.5f, 0.5f};
  DirectionSet set;
  set.add(dir("one", d1, 1.0));
  set.add(dir("two", d2, 2.0));
  set.add(dir("three", d3, 0.5));
  set.sliders()[1].orthogonal = true;
  set.sliders()[1].value = 1.5f;
  Latent m = set.move(4);
  CHECK(dotOf(m, d1) == doctest::Approx(0).epsilon(1e-6));
  CHECK(std::abs(dotOf(m, d3)) < 1e-6);
  CHECK(norm(m) == doctest::Approx(1.5 * 2.0).epsilon(1e-5));  // value x sigma, along a unit vector
  // Not orthogonalised: the plain sum of value x sigma x unit.
  set.sliders()[1].orthogonal = false;
  set.sliders()[0].value = -1;
  Latent p = set.move(4);
  for (int k = 0; k < 4; ++k) CHECK(p[size_t(k)] == doctest::Approx(-1 * d1[size_t(k)] + 3.0 * d2[size_t(k)]).epsilon(1e-5));
  Direction sum;
  REQUIRE(set.moveAsDirection(4, sum));
  CHECK(sum.sigma == doctest::Approx(norm(p)).epsilon(1e-5));
  for (int k = 0; k < 4; ++k) CHECK(sum.sigma * sum.vector[size_t(k)] == doctest::Approx(p[size_t(k)]).epsilon(1e-5));
  set.resetAll();
  CHECK_FALSE(set.anyMoved());
  CHECK_FALSE(set.moveAsDirection(4, sum));
}

TEST_CASE("strip and grid pictures: tiles in place, scaled by whole pixels") {
  Image a(2, 2, 1, 10), b(2, 2, 1, 200);
  Image s = stripImage({a, b}, 2, 1);
  CHECK(s.width == 2 * 4 + 3);
  CHECK(s.height == 4 + 2);
  CHECK(s.channels == 3);
  CHECK(s.at(1, 1)[0] == 10);
  CHECK(s.at(4, 4)[1] == 10);
  CHECK(s.at(6, 1)[2] == 200);
  CHECK(s.at(5, 1)[0] == 24);  // the gap
  Image g = gridImage({a, b, b, a}, 2, 2, 1, 0);
  CHECK(g.at(0, 0)[0] == 10);
  CHECK(g.at(2, 0)[0] == 200);
  CHECK(g.at(0, 2)[0] == 200);
  CHECK(g.at(3, 3)[0] == 10);
}
