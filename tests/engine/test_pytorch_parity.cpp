// The engine computes the same model as PyTorch: an independent PyTorch implementation of
// the conv VAE (tools/reference/vae_reconstruct.py, run with Debian's python3-torch) loads
// the bundled weights and reconstructs the first test images; ours must match.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/latent/encode.h"
#include "engine/models/bundle.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("bundled VAE reconstructions match an independent PyTorch implementation") {
  for (const char* name : {"fashion-vae-16", "fashion-vae-2"}) {
    CAPTURE(name);
    std::string bundleDir = t::sourcePath(std::string("assets/models/") + name);
    std::string out = t::tempDir("parity") + "/ref.npy";
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/vae_reconstruct.py") +
                           " " + bundleDir + " 32 " + out);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    torch::Tensor ref = npyToTensor(readNpy(out));
    auto b = loadBundle(bundleDir);
    Dataset d = openDataset("fashion-mnist:test", {0, 0, 32});
    torch::InferenceMode guard;
    auto x = modelInput(*b, d, 0, 32);
    auto ours = b->autoencoder->decode(b->autoencoder->encode(x).first);
    REQUIRE((ours.sizes() == ref.sizes()));
    CHECK((ours - ref).abs().max().item<float>() < 1e-4f);
    // And the reconstructions are reconstructions: much closer to the inputs than noise.
    CHECK((ours - x).pow(2).mean().item<float>() < 0.03f);
  }
}
