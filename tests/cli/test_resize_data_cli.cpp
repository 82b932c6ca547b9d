// The command line on data of another shape than the model's (issue 11): without a resize
// it is one line naming both shapes and the --data spec that resizes, exit 3; with
// "--data SPEC@CxHxW" the images are resized and encoded. The latents are checked against
// PyTorch running the same TorchScript file on the same images resized by
// torch.nn.functional.interpolate (antialiased bilinear, grey repeated to RGB), rounded to
// grey levels as a data set stores them; so are `render recon` and `render interp` on them.
// Models exported by tools/export/example_models.py.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {

const char* kReference = R"(
import sys
import numpy as np
import torch
import torch.nn.functional as F
out = sys.argv[1]
rng = np.random.default_rng(3)
grey = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)   # N x H x W, as Fashion-MNIST
np.save(out + "/grey.npy", grey)
np.save(out + "/strip.npy", np.zeros((2, 16, 64), dtype=np.uint8))
def encode(model, x):
    with torch.no_grad():
        e = torch.jit.load(out + "/" + model).encode(x)
    return (e[0] if isinstance(e, tuple) else e).reshape(x.shape[0], -1).float().numpy()
x = torch.from_numpy(grey).double().unsqueeze(1)
for model, c, h, w in [("vae.pt", 3, 32, 32), ("vae_tall.pt", 1, 64, 48)]:
    y = F.interpolate(x, size=(h, w), mode="bilinear", antialias=True, align_corners=False)
    y = (torch.floor(y + 0.5).clamp(0, 255).repeat(1, c, 1, 1) / 255.0).float()
    stem = model[:-3]
    np.save("%s/%s_ref.npy" % (out, stem), encode(model, y))
    # render recon: decode(mean) of the first 3; render interp item:0 -> item:1 in 5 steps (lerp)
    m = torch.jit.load(out + "/" + model)
    with torch.no_grad():
        e = m.encode(y[:3])
        mean = e[0] if isinstance(e, tuple) else e
        np.save("%s/%s_recon_ref.npy" % (out, stem), m.decode(mean).clamp(0, 1).numpy())
        z = torch.stack([mean[0] + (mean[1] - mean[0]) * (i / 4.0) for i in range(5)])
        np.save("%s/%s_interp_ref.npy" % (out, stem), m.decode(z).clamp(0, 1).numpy())
)";

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = t::tempDir("resize_data_cli");
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/export/example_models.py") +
                           " " + d + " vae vae_tall");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    t::writeText(d + "/reference.py", kReference);
    r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + d + "/reference.py " + d);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d;
  }();
  return dir;
}

std::string fx(const std::string& name) { return fixtures() + "/" + name; }

int lineCount(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

double largestDifference(const NpyArray& got, const NpyArray& want) {
  REQUIRE(got.shape == want.shape);
  double worst = 0;
  for (int64_t i = 0; i < got.count(); ++i) worst = std::max(worst, double(std::abs(got.f32()[i] - want.f32()[i])));
  return worst;
}

void checkLatents(const std::string& model, const std::string& shape) {
  CAPTURE(model);
  std::string out = fx(model + "_z.npy");
  auto r = t::runLatentlab("encode --model " + fx(model + ".pt") + " --data npy:" + fx("grey.npy") + "@" + shape +
                           " -o " + out + " --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(largestDifference(readNpy(out), readNpy(fx(model + "_ref.npy"))) < 1e-4);
}

}  // namespace

TEST_CASE("data of another shape: one line naming both shapes and the spec that resizes, exit 3") {
  auto r = t::runLatentlab("encode --model " + fx("vae.pt") + " --data npy:" + fx("grey.npy") + " -o " +
                           fx("no.npy") + " --device cpu");
  CHECK(r.exitCode == 3);
  CHECK(lineCount(r.err) == 1);
  CHECK(r.err == "latentlab: npy:" + fx("grey.npy") + ": images are 1x28x28 (CxHxW) but the model " + fx("vae.pt") +
                     " expects 3x32x32; to resize them use --data npy:" + fx("grey.npy") + "@3x32x32\n");
}

TEST_CASE("where resizing would distort the pictures it is not suggested") {
  auto r = t::runLatentlab("encode --model " + fx("vae.pt") + " --data npy:" + fx("strip.npy") + " -o " +
                           fx("no.npy") + " --device cpu");
  CHECK(r.exitCode == 3);
  CHECK(lineCount(r.err) == 1);
  CHECK(r.err.find("images are 1x16x64 (CxHxW) but the model " + fx("vae.pt") + " expects 3x32x32") != std::string::npos);
  CHECK(r.err.find("resizing would stretch the images 4.0x out of proportion, so it is not offered") != std::string::npos);
  CHECK(r.err.find("--data") == std::string::npos);
}

TEST_CASE("--data SPEC@CxHxW resizes: latents match PyTorch on the same resized images") {
  checkLatents("vae", "3x32x32");       // grey 28 x 28 -> RGB 32 x 32
  checkLatents("vae_tall", "1x64x48");  // grey 28 x 28 -> 64 x 48, non-square
}

TEST_CASE("a resize suffix that is not a shape is one line, exit 3") {
  auto r = t::runLatentlab("encode --model " + fx("vae.pt") + " --data fashion-mnist:test@3x32 -o " + fx("no.npy"));
  CHECK(r.exitCode == 3);
  CHECK(lineCount(r.err) == 1);
  CHECK(r.err.find("\"@3x32\" is not an image shape; resize with @CxHxW, e.g. @3x32x32") != std::string::npos);
}

TEST_CASE("render recon and render interp of TorchScript VAEs on resized data match PyTorch") {
  // (vae_tall's resized latents are checked above; here the RGB model, to keep the test short)
  for (auto [model, shape] : {std::pair<std::string, std::string>{"vae", "3x32x32"}}) {
    CAPTURE(model);
    std::string data = " --data npy:" + fx("grey.npy") + "@" + shape + " --device cpu --model " + fx(model + ".pt");
    auto r = t::runLatentlab("render recon --count 3" + data + " -o " + fx(model + "_recon.png") + " --npy " +
                             fx(model + "_recon.npy"));
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    CHECK(largestDifference(readNpy(fx(model + "_recon.npy")), readNpy(fx(model + "_recon_ref.npy"))) < 1e-4);
    r = t::runLatentlab("render interp --from item:0 --to item:1 --steps 5" + data + " -o " + fx(model + "_interp.png") +
                        " --npy " + fx(model + "_interp.npy"));
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    CHECK(largestDifference(readNpy(fx(model + "_interp.npy")), readNpy(fx(model + "_interp_ref.npy"))) < 1e-4);
  }
}
