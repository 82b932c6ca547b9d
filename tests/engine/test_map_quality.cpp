// Layout quality on real latents, against an independent reference: 1,000 Fashion-MNIST test
// images encoded by fashion-vae-16, laid out by our t-SNE and UMAP, scored now with
// scikit-learn's trustworthiness (k = 10) and a 10-NN class vote in 2-D, compared with
// scikit-learn's own TSNE of the same latents. That run takes about a minute, so its scores
// are committed (tools/reference/map_quality_reference.sh makes them); the latents' sum in
// the file says they were made from these very latents.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/data/dataset.h"
#include "engine/explore/explorer.h"
#include "engine/projection/projection.h"
#include "projection_fixtures.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("t-SNE and UMAP of 1,000 fashion latents score like scikit-learn's t-SNE") {
  std::ifstream f(t::sourcePath("tools/reference/map_quality_reference.json"));
  REQUIRE(f.good());
  nlohmann::json ref = nlohmann::json::parse(f);
  auto model = ExploreModel::load(t::sourcePath("assets/models/fashion-vae-16"), "cpu");
  DatasetOptions o;
  o.limit = ref["count"].get<int64_t>();
  LatentSet s = model->encode(openDataset("fashion-mnist:test", o));
  double sum = 0;
  for (float v : s.z) sum += v;
  INFO("the reference was made from other latents: rerun tools/reference/map_quality_reference.sh");
  REQUIRE(sum == doctest::Approx(ref["latent_sum"].get<double>()).epsilon(1e-5));
  double refTrust = ref["trustworthiness"], refAcc = ref["knn_accuracy"];
  std::string dir = t::tempDir("map_quality");
  t::saveF32(dir + "/x.npy", s.z, {s.count, s.dim});
  t::saveLabels(dir + "/labels.npy", s.labels);
  const std::vector<std::string> names = {"pca", "tsne", "umap"};
  std::vector<std::vector<float>> layouts;
  std::string files;
  for (const auto& name : names) {
    layouts.push_back(computeLayout(s, name, ProjectionParams{}));
    t::saveF32(dir + "/" + name + ".npy", layouts.back(), {s.count, 2});
    files += " " + dir + "/" + name + ".npy";
  }
  std::istringstream scores(t::reference("quality " + dir + "/x.npy " + dir + "/labels.npy" + files));
  MESSAGE("scikit-learn TSNE: trustworthiness " << refTrust << ", 10-NN accuracy " << refAcc);
  for (size_t i = 0; i < names.size(); ++i) {
    double trust = -1, acc = -1;
    scores >> trust >> acc;
    MESSAGE(names[i] << ": trustworthiness " << trust << ", 10-NN accuracy " << acc);
    CHECK(acc == doctest::Approx(t::knnAccuracy(layouts[i], s.labels)).epsilon(0.02));  // our scorer agrees
    if (names[i] == "pca") {
      CHECK(trust < refTrust - 0.05);  // the linear plane really is worse: the test can tell
    } else if (names[i] == "tsne") {
      CHECK(trust >= refTrust - 0.01);
      CHECK(acc >= refAcc - 0.02);
    } else {
      CHECK(trust >= refTrust - 0.03);  // UMAP keeps less of the local structure than t-SNE
      CHECK(acc >= refAcc - 0.03);
    }
  }
}
