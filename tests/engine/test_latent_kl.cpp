// The mean KL per latent dimension that the latent inspector shows (LatentSet::klPerDim,
// filled by ExploreModel::encode) against an independent PyTorch re-implementation of the
// VAE (tools/reference/vae_eval.py, which reads the IDX file itself); a GAN's prior set has
// no posterior, so no KL figure.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "engine/data/dataset.h"
#include "engine/explore/explorer.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("mean KL per dimension of the encoded test images matches the PyTorch reference") {
  const std::string vae = t::sourcePath("assets/models/fashion-vae-16");
  const int n = 300;
  auto model = ExploreModel::load(vae, "cpu");
  DatasetOptions o;
  o.limit = n;
  LatentSet set = model->encode(openDataset("fashion-mnist:test", o));
  REQUIRE(set.klPerDim.size() == 16);
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/vae_eval.py") + " " + vae +
                         " " + std::to_string(n));
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = nlohmann::json::parse(r.out)["kl_per_dim"].get<std::vector<double>>();
  REQUIRE(ref.size() == 16);
  double total = 0;
  for (size_t k = 0; k < ref.size(); ++k) {
    CAPTURE(k);
    CHECK(set.klPerDim[k] == doctest::Approx(ref[k]).epsilon(1e-4));
    CHECK(set.klPerDim[k] >= 0);
    total += set.klPerDim[k];
  }
  CHECK(total > 1.0);  // a trained VAE spends real rate on its latent
}

TEST_CASE("a GAN's prior set has no KL figure") {
  auto gan = ExploreModel::load(t::sourcePath("assets/models/fashion-gan"), "cpu");
  LatentSet set = gan->encodePrior(20, 1);
  CHECK(set.klPerDim.empty());
}
