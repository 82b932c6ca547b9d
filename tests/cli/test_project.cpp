// `latentlab project` (GAN inversion) end to end: the written z, decoded by a different path
// (`render decode`, the explore face), reconstructs each data image better than the mean
// latent z = 0 of the same class does, and matches the MSE the command printed; the classes
// file holds valid classes; bad models, items and classes exit 3 with one line.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/data/dataset.h"
#include "engine/data/npy.h"
#include "cli_cases.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kGan = t::sourcePath("assets/models/fashion-gan");

double mseTo(const float* decoded, const Image& target) {
  double s = 0;
  for (size_t i = 0; i < target.pixels.size(); ++i) {
    double d = decoded[i] - target.pixels[i] / 255.0;
    s += d * d;
  }
  return s / double(target.pixels.size());
}
}  // namespace

TEST_CASE("project finds z that decode closer to the data images than the class's mean latent") {
  std::string dir = t::tempDir("project");
  auto r = t::runLatentlab("project --model " + kGan + " --items 0,2 --steps 40 -o " + dir +
                           "/z.npy --classes " + dir + "/c.npy --png " + dir + "/p.png --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto z = readNpy(dir + "/z.npy"), c = readNpy(dir + "/c.npy");
  REQUIRE(z.shape == std::vector<int64_t>{2, 64});
  REQUIRE(c.dtype == NpyDtype::Int64);
  REQUIRE(c.shape == std::vector<int64_t>{2});
  for (int i = 0; i < 2; ++i) CHECK((c.i64()[i] >= 0 && c.i64()[i] < 10));

  auto dec = t::runLatentlab("render decode --model " + kGan + " --latents " + dir + "/z.npy --labels " + dir +
                             "/c.npy -o " + dir + "/d.png --npy " + dir + "/d.npy --device cpu");
  REQUIRE_MESSAGE(dec.exitCode == 0, dec.err);
  NpyArray zeros = makeNpyF32({2, 64}, std::vector<float>(128, 0.f).data());
  writeNpy(dir + "/z0.npy", zeros);
  auto dec0 = t::runLatentlab("render decode --model " + kGan + " --latents " + dir + "/z0.npy --labels " + dir +
                              "/c.npy -o " + dir + "/d0.png --npy " + dir + "/d0.npy --device cpu");
  REQUIRE_MESSAGE(dec0.exitCode == 0, dec0.err);
  auto d = readNpy(dir + "/d.npy"), d0 = readNpy(dir + "/d0.npy");
  REQUIRE(d.shape == std::vector<int64_t>{2, 1, 28, 28});

  DatasetOptions o;
  o.limit = 3;
  Dataset data = openDataset("fashion-mnist:test", o);
  const size_t per = 28 * 28;
  const int items[2] = {0, 2};
  for (int k = 0; k < 2; ++k) {
    CAPTURE(k);
    Image target = data.image(items[k]);
    double found = mseTo(d.f32() + k * per, target), mean = mseTo(d0.f32() + k * per, target);
    CHECK(found < mean);
    // The printed MSE (the generator inside the inverter) equals the re-decoded one.
    std::string key = "item " + std::to_string(items[k]) + ": ";
    size_t at = r.out.find(key);
    REQUIRE_MESSAGE(at != std::string::npos, r.out);
    at = r.out.find("pixel MSE ", at);
    REQUIRE(at != std::string::npos);
    CHECK(std::fabs(std::stod(r.out.substr(at + 10, 12)) - found) < 2e-5);
  }
  // Item 0 of the test set is an ankle boot: the class search should keep class 9.
  CHECK(c.i64()[0] == 9);
}

TEST_CASE("project refuses what it cannot do with one line and exit 3") {
  std::string dir = t::tempDir("project_bad");
  t::checkOneLineErrors({
      {"project --model " + t::sourcePath("assets/models/fashion-vae-2") + " --items 0 -o " + dir + "/z.npy", 3,
       "not a GAN bundle"},
      {"project --model " + kGan + " --items 10000 -o " + dir + "/z.npy", 3, "item 10000 is past its last item"},
      {"project --model " + kGan + " --items 0 --class Hat -o " + dir + "/z.npy", 3, "Hat"},
      {"project --model " + kGan + " -o " + dir + "/z.npy", 2, "--items"},
  });
}
