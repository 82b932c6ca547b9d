// A user's TorchScript GAN generator behind GanBundle, everywhere a built-in one works:
// generation (single file with metadata, class-conditional 3 x 32 x 32; folder form,
// unconditional 1 x 64 x 48 with a 2 x 4 x 3 latent and range [-1, 1]), truncation, the latent
// face the window and `render` use, inversion (gradients through the module) and eval. The
// fixtures are exported at test time by Debian's python3-torch (tools/export/example_models.py)
// and the references are the same modules run by PyTorch (tools/reference/torchscript_generate.py),
// to 1e-4. Bad generators are refused at load with their own one-line message.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/image_tensor.h"
#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/explore/explorer.h"
#include "engine/latent/gan_inversion.h"
#include "engine/models/gan_bundle.h"
#include "engine/util/errors.h"
#include "gan_torchscript_fixtures.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {

const std::string& fixtures() {
  static const std::string dir = t::ganFixtures("gen_shapes gen_blobs gen_bad");
  return dir;
}
std::string fx(const std::string& name) { return fixtures() + "/" + name; }
torch::Tensor refNpy(const std::string& path) { return npyToTensor(readNpy(path)); }
float maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return t::maxAbsDiff(a, b); }

std::string loadError(const std::string& path) {
  try {
    loadGanBundle(path);
  } catch (const BadInput& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a class-conditional TorchScript generator in one .pt file: images, classes and truncation match PyTorch") {
  auto g = loadGanBundle(fx("gen_shapes.pt"));
  CHECK(g->isTorchScript());
  CHECK(isGanBundle(fx("gen_shapes.pt")));
  CHECK(g->latentDim() == 16);
  CHECK(g->numClasses() == 4);
  CHECK(g->truncation == doctest::Approx(0.8));
  CHECK((g->manifest.classes == std::vector<std::string>{"disc", "square", "ring", "cross"}));
  CHECK(g->parameterCount() == 16 * 8 + 8 + 4 * 8);  // Linear(16, 8) and Embedding(4, 8)
  torch::InferenceMode guard;
  auto z = refNpy(fx("gen_shapes_z.npy"));
  auto c = refNpy(fx("gen_shapes_c.npy"));
  // The reference written by the exporter, and the module re-run by PyTorch with psi.
  CHECK(maxDiff(g->generate(z, c, 1.0), refNpy(fx("gen_shapes_out.npy"))) < 1e-4f);
  t::PytorchImages refs;
  refs.add(fx("gen_shapes.pt") + " --z " + fx("gen_shapes_z.npy") + " --labels " + fx("gen_shapes_c.npy") + " --psi 0.5");
  refs.add(fx("gen_shapes.pt") + " --count 6 --seed 42 --psi 0.7 --cycle-classes");
  refs.run();
  CHECK(maxDiff(g->generate(z, c, 0.5), refs.get(0)) < 1e-4f);
  // The seeding rule: sampleLatents(n, seed) is torch.randn(n, D) from manual_seed(seed).
  auto zs = g->sampleLatents(6, 42);
  auto cs = torch::arange(6, torch::kLong).remainder(4);
  CHECK(maxDiff(g->generate(zs, cs, 0.7), refs.get(1)) < 1e-4f);
  // The class matters: the same z as a disc and as a cross differ.
  auto a = g->generate(zs.slice(0, 0, 1), torch::zeros({1}, torch::kLong), 1.0);
  auto b = g->generate(zs.slice(0, 0, 1), torch::full({1}, int64_t(3), torch::kLong), 1.0);
  CHECK(maxDiff(a, b) > 0.1f);
}

TEST_CASE("an unconditional TorchScript generator in a folder: 2x4x3 latent, range [-1, 1], non-square images") {
  auto g = loadGanBundle(fx("gen_blobs"));
  CHECK(g->isTorchScript());
  CHECK(isGanBundle(fx("gen_blobs")));
  CHECK(g->latentDim() == 24);
  CHECK(g->numClasses() == 0);
  torch::InferenceMode guard;
  auto z = refNpy(fx("gen_blobs_z.npy"));  // 3 x 2 x 4 x 3, as PyTorch ran it
  auto ref = (refNpy(fx("gen_blobs_out.npy")) + 1.0) / 2.0;
  auto y = g->generate(z.reshape({3, 24}), torch::Tensor(), 1.0);  // flat, as the map and seeds hold it
  CHECK((y.sizes() == torch::IntArrayRef({3, 1, 64, 48})));
  CHECK(maxDiff(y, ref) < 1e-4f);
  CHECK(y.min().item<float>() >= 0.f);
}

TEST_CASE("the latent face (window, render) decodes a TorchScript generator like PyTorch") {
  auto face = ExploreModel::load(fx("gen_shapes.pt"), "cpu");
  const ModelInfo& info = face->info();
  CHECK(info.kind == "gan");
  CHECK(!info.hasEncoder);
  CHECK(info.conditional == 4);
  CHECK(info.latentDim == 16);
  CHECK((info.height == 32 && info.width == 32 && info.channels == 3));
  CHECK(info.parameterCount == 168);
  t::PytorchImages refs;
  refs.add(fx("gen_shapes.pt") + " --count 5 --seed 3 --psi 0.7 --cycle-classes");
  refs.add(fx("gen_blobs") + " --count 2 --seed 9");
  refs.run();
  auto z = face->priorSample(5, 3, 0.7);
  auto values = face->decodeValues(z, 5, {0, 1, 2, 3, 0});
  auto ours = torch::from_blob(values.data(), {5, 3, 32, 32}, torch::kFloat).clone();
  CHECK(maxDiff(ours, refs.get(0)) < 1e-4f);

  auto blobs = ExploreModel::load(fx("gen_blobs"), "cpu");
  auto zb = blobs->priorSample(2, 9, 1.0);
  auto vb = blobs->decodeValues(zb, 2, {-1, -1});
  auto oursB = torch::from_blob(vb.data(), {2, 1, 64, 48}, torch::kFloat).clone();
  CHECK(maxDiff(oursB, refs.get(1)) < 1e-4f);
  // SeFa needs a built-in's first linear layer: a TorchScript generator says so.
  CHECK_THROWS_WITH_AS(face->firstLinearWeight(), doctest::Contains("SeFa needs one"), BadInput);
}

TEST_CASE("inversion runs through a TorchScript generator: finds the class and fits the image") {
  auto inv = GanInverter::load(fx("gen_shapes.pt"), "cpu");
  CHECK(inv->latentDim() == 16);
  CHECK(inv->numClasses() == 4);
  // The target: PyTorch's ring (class 2) for the exporter's third latent.
  Image target = tensorToImages(refNpy(fx("gen_shapes_out.npy")))[2];
  GanInversionOptions o;
  o.steps = 60;
  o.searchSteps = 15;
  o.learningRate = 0.1;
  auto r = inv->invert(target, o);
  CHECK(r.classIndex == 2);
  REQUIRE(r.mseCurve.size() == 61);
  CHECK(r.mse < 0.25 * r.mseCurve.front());
  CHECK(r.z.size() == 16);

  // A module that detaches z generates fine but cannot be inverted: said in one line.
  auto detached = GanInverter::load(fx("gen_detached.pt"), "cpu");
  CHECK_THROWS_WITH_AS(detached->invert(target, o), doctest::Contains("inversion needs gradients through the generator"),
                       BadInput);
}

TEST_CASE("bad TorchScript generators are refused at load with their own message") {
  struct Case {
    const char* file;
    const char* message;
  };
  const Case cases[] = {
      {"gen_wrong_arity.pt", "forward takes 3 arguments, expected forward(z) or forward(z, class)"},
      {"gen_wrong_shape.pt", "returned shape [2, 3, 16, 16], expected [2, 3, 32, 32]"},
      {"gen_int_output.pt", "forward's output has dtype Byte, expected a float tensor"},
      {"gen_nan_output.pt", "forward's output holds NaN or Inf"},
      {"gen_no_class.pt", "conditioning.num_classes is 4 but forward takes no class"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    std::string e = loadError(fx(c.file));
    CHECK_MESSAGE(e.find(c.message) != std::string::npos, e);
    CHECK(e.find(fx(c.file)) == 0);  // names the file
    CHECK(e.find('\n') == std::string::npos);
  }
  // A folder whose model.json names a file that is not there.
  std::string d = t::tempDir("gan_ts_missing");
  t::writeText(d + "/model.json", t::readText(fx("gen_blobs/model.json")));
  CHECK(loadError(d).find("generator.pt") != std::string::npos);
  CHECK(!isGanBundle(fx("gen_blobs/generator.pt")));  // a .pt without metadata is not known to be a GAN
}
