// A user's own TorchScript models in the real window under Xvfb (issue 11): every fixture of
// the list but the bare file (tests/gui/test_open_model_screens.cpp has that one)
// opened by `latentlab --model ... --screenshot`, one short launch each under ONE Xvfb
// server (two at a time), and what the window shows compared with the same module run by PyTorch
// (tests/gui/own_model_reference.py, Debian's python3-torch):
//   - autoencoders, 3x32x32 with an 8-d latent in the folder form and as one .pt with its
//     metadata inside, and 1x64x48 (grey, non-square): the Decoded image is PyTorch's
//     decode of the cursor latent the sidecar reports;
//   - an epsilon denoiser (1x16x16, class-conditional), a v-prediction one (3x16x16) and a
//     latent-diffusion pair: the Denoise tab's first run (the panel's defaults: DDIM, 50
//     steps, eta 0, seed 0, unconditional, guidance 3) is PyTorch's DDIM from the noise of
//     torch.randn with the same seed (decoded by the pair's autoencoder, whose decode of the
//     cursor is also the pair's Decoded image).
// Each picture must have the model's aspect (a non-square model is not squeezed), RGB in
// R, G, B order (grey in all three), and every model pixel within half an 8-bit level of
// PyTorch's value plus 1e-3: the window shows 8-bit textures (255 v rounded), so that is
// the finest a screenshot can check (the CLI tests check the engine's numbers to 1e-4).
// The pictures are magnified with nearest filtering (the default), so each model pixel is
// read at the centre of its block.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/data/image_io.h"
#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Shot {
  std::string name, model, args;
  std::string decoder;  // the Decoded image must be this autoencoder's decode of the cursor
  bool sampled = false;  // the Denoise tab's x_t and predicted x0 must be PyTorch's DDIM result
};

// The fixtures, their screenshots and PyTorch's pictures, made once for all test cases.
struct Run {
  std::string dir;
  std::vector<Shot> shots;
  std::map<std::string, int> exitCode;
};

const Run& run() {
  static const Run r = [] {
    Run out;
    std::string d = out.dir = test::tempDir("own_model_screens");
    std::string py = PYTHON_WITH_TORCH;
    auto made = test::runCommand(py + " " + test::sourcePath("tools/export/example_models.py") + " " + d +
                                 " vae vae_folder vae_tall denoiser denoiser_v ldm");
    REQUIRE_MESSAGE(made.exitCode == 0, made.err);
    // Small data sets of each autoencoder's shape (the map encodes them before the shot).
    made = test::runCommand(py + " -c \"import numpy as np; g = np.random.default_rng(4); d = '" + d +
                            "'; np.save(d + '/rgb32.npy', g.random((24, 3, 32, 32), dtype=np.float32)); "
                            "np.save(d + '/grey64x48.npy', g.random((24, 1, 64, 48), dtype=np.float32))\"");
    REQUIRE_MESSAGE(made.exitCode == 0, made.err);
    std::string rgb = " --data npy:" + d + "/rgb32.npy";
    out.shots = {
        {"vae_folder", d + "/vae_folder", rgb, d + "/vae_folder", false},
        {"vae_file", d + "/vae.pt", rgb, d + "/vae.pt", false},
        {"vae_tall", d + "/vae_tall.pt", " --data npy:" + d + "/grey64x48.npy", d + "/vae_tall.pt", false},
        {"denoiser", d + "/denoiser.pt", "", "", true},
        {"denoiser_v", d + "/denoiser_v.pt", "", "", true},
        {"ldm", d + "/ldm.pt", rgb, d + "/vae.pt", true},  // its map is its autoencoder's
    };
    // One Xvfb server; one short launch per model (the window opens one model from its
    // command line: a lesson could switch models in one launch, but its steps open folders
    // only and keep the data set), in two lanes side by side for the two cores of CI.
    std::string lanes[2];
    for (size_t i = 0; i < out.shots.size(); ++i) {
      const Shot& s = out.shots[i];
      lanes[i % 2] += std::string(LATENTLAB_BIN) + " --model " + s.model + s.args + " --device cpu --size 1280 800 --screenshot " + d +
                      "/" + s.name + ".png >" + d + "/" + s.name + ".log 2>&1; echo " + s.name + " $? >>" + d +
                      "/rc" + std::to_string(i % 2) + ".txt\n";
    }
    test::writeText(d + "/lane0.sh", lanes[0]);
    test::writeText(d + "/lane1.sh", lanes[1]);
    test::writeText(d + "/launch.sh", "#!/bin/sh\nsh " + d + "/lane0.sh &\nsh " + d + "/lane1.sh\nwait\n");
    auto shots = test::runCommand("xvfb-run -a -s \"-screen 0 1280x800x24\" sh " + d + "/launch.sh");
    REQUIRE_MESSAGE(shots.exitCode == 0, shots.err);
    std::istringstream rc(test::readText(d + "/rc0.txt") + test::readText(d + "/rc1.txt"));
    std::string name;
    int code;
    while (rc >> name >> code) out.exitCode[name] = code;
    // PyTorch's pictures: the autoencoders decode the latent each window reports.
    json jobs = json::array();
    for (const Shot& s : out.shots) {
      if (out.exitCode[s.name] != 0) continue;
      if (!s.decoder.empty())
        jobs.push_back({{"decode", d + "/" + s.name + ".png.json"}, {"model", s.decoder}, {"out", d + "/" + s.name + "_decoded.npy"}});
      if (s.sampled)  // the panel's first run: its defaults
        jobs.push_back({{"sample", {{"seed", 0}, {"steps", 50}, {"guidance", 3.0}}}, {"model", s.model},
                        {"out", d + "/" + s.name + "_sampled.npy"}});
    }
    test::writeText(d + "/jobs.json", jobs.dump(1));
    auto ref = test::runCommand(py + " " + test::sourcePath("tests/gui/own_model_reference.py") + " " +
                                test::sourcePath("") + " " + d + "/jobs.json");
    REQUIRE_MESSAGE(ref.exitCode == 0, ref.err);
    return out;
  }();
  return r;
}

struct Compared {
  double worst = 1e9;     // largest |shown - PyTorch| over the model's pixels and channels
  double spread = 0;      // PyTorch's picture: max - min (a flat picture would prove little)
  double aspectError = 1e9;  // |shown w/h - model W/H| relative
};

// The picture in rect [x, y, w, h] of the screenshot against PyTorch's H x W x C picture.
Compared compare(const Image& shot, const std::vector<float>& r, const NpyArray& ref) {
  Compared c;
  REQUIRE(ref.shape.size() == 3);
  int H = int(ref.shape[0]), W = int(ref.shape[1]), C = int(ref.shape[2]);
  REQUIRE((C == 1 || C == 3));
  c.aspectError = std::abs((r[2] / r[3]) / (double(W) / H) - 1.0);
  float lo = 1, hi = 0;
  c.worst = 0;
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      int px = int(r[0] + (x + 0.5) * r[2] / W), py = int(r[1] + (y + 0.5) * r[3] / H);
      if (px < 0 || py < 0 || px >= shot.width || py >= shot.height) {
        c.worst = 1e9;  // the picture runs off the screenshot
        continue;
      }
      const uint8_t* p = shot.at(px, py);
      for (int k = 0; k < 3; ++k) {
        float want = ref.f32()[(size_t(y) * W + x) * C + (C == 1 ? 0 : k)];  // grey: R = G = B
        lo = std::min(lo, want), hi = std::max(hi, want);
        c.worst = std::max(c.worst, std::abs(p[k] / 255.0 - want));
      }
    }
  c.spread = hi - lo;
  return c;
}

// The window rounds to 8 bits (half a level, 0.5 / 255) and computes in float32 (1e-3 is
// far more than the engine's 1e-4 parity with PyTorch needs).
constexpr double kTolerance = 0.5 / 255 + 1e-3;

void checkShot(const std::string& name) {
  const Run& r = run();
  auto it = std::find_if(r.shots.begin(), r.shots.end(), [&](const Shot& s) { return s.name == name; });
  REQUIRE(it != r.shots.end());
  std::string png = r.dir + "/" + name + ".png";
  REQUIRE_MESSAGE(r.exitCode.at(name) == 0, test::readText(r.dir + "/" + name + ".log"));
  auto side = json::parse(test::readText(png + ".json"));
  CHECK_MESSAGE(side["model"] == it->model, side["model"]);
  for (const auto& m : side["messages"]) CHECK_MESSAGE(m.get<std::string>().rfind("Opened ", 0) == 0, m);
  Image shot = loadImageFile(png);
  std::vector<std::pair<std::string, std::string>> checks;  // sidecar rectangle, PyTorch's picture
  if (!it->decoder.empty()) checks.push_back({"decoded", name + "_decoded.npy"});
  if (it->sampled) checks.push_back({"diffusion-xt", name + "_sampled.npy"}), checks.push_back({"diffusion-x0", name + "_sampled.npy"});
  for (const auto& [key, file] : checks) {
    CAPTURE(key);
    REQUIRE(side.contains(key));
    Compared c = compare(shot, side[key].get<std::vector<float>>(), readNpy(r.dir + "/" + file));
    CHECK(c.aspectError < 0.02);
    CHECK(c.worst <= kTolerance);
    MESSAGE(name << " " << key << ": worst " << c.worst * 255 << " levels, PyTorch's picture spans " << c.spread * 255
                 << " levels");
  }
}

}  // namespace

TEST_CASE("a 3x32x32 VAE in the folder form: the decoded image is PyTorch's decode of the cursor") {
  checkShot("vae_folder");
}

TEST_CASE("the same VAE as one .pt with its metadata inside: the decoded image is PyTorch's") {
  checkShot("vae_file");
  // Colour, in order: an R/B swap of PyTorch's picture would differ by many levels.
  const Run& r = run();
  NpyArray ref = readNpy(r.dir + "/vae_file_decoded.npy");
  double swap = 0;
  for (int64_t i = 0; i < ref.count(); i += 3) swap = std::max(swap, double(std::abs(ref.f32()[i] - ref.f32()[i + 2])));
  CHECK(swap > 4 * kTolerance);
}

TEST_CASE("a grey 1x64x48 VAE: a tall picture, grey in R, G and B, PyTorch's decode") {
  checkShot("vae_tall");
}

TEST_CASE("an epsilon denoiser: the Denoise tab's first run is PyTorch's DDIM from the same seed") {
  checkShot("denoiser");
}

TEST_CASE("a v-prediction denoiser (RGB): the Denoise tab's first run is PyTorch's DDIM") {
  checkShot("denoiser_v");
}

TEST_CASE("a latent-diffusion pair: the run is PyTorch's DDIM in the latent, decoded; the map decodes with its VAE") {
  checkShot("ldm");
}
