// The engine's GAN generator computes the model its description says: an independent
// PyTorch implementation (tools/reference/gan_generate.py, Debian's python3-torch) loads the
// bundled fashion-gan and generates from the same latents, classes and truncation; ours
// must match.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/models/gan_bundle.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("bundled GAN images match an independent PyTorch implementation") {
  std::string dir = t::sourcePath("assets/models/fashion-gan");
  if (!std::filesystem::exists(dir + "/model.json")) {
    MESSAGE("assets/models/fashion-gan not bundled yet");
    return;
  }
  torch::set_num_threads(1);
  auto b = loadGanBundle(dir);
  auto z = b->sampleLatents(20, 17);
  auto classes = torch::arange(20, torch::kLong).remainder(10);
  std::string tmp = t::tempDir("gan_parity");
  writeTensorNpy(tmp + "/z.npy", z);
  writeTensorNpy(tmp + "/c.npy", classes);
  for (double psi : {1.0, 0.6}) {
    CAPTURE(psi);
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/gan_generate.py") +
                           " " + dir + " " + tmp + "/z.npy " + tmp + "/c.npy " + std::to_string(psi) + " " + tmp +
                           "/ref.npy");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    torch::Tensor ref = npyToTensor(readNpy(tmp + "/ref.npy"));
    auto ours = b->generate(z, classes, psi);
    REQUIRE((ours.sizes() == ref.sizes()));
    CHECK((ours - ref).abs().max().item<float>() < 1e-4f);
    // Not a constant image: the samples differ from each other.
    CHECK(ours.std(0).mean().item<float>() > 0.05f);
  }
}
