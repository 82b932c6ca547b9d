// GAN inversion (issue 14, "projection of a real image into z"): a generator has no encoder,
// so the z of a data image is found by gradient descent on the pixel MSE between G(z, class)
// and the image (Adam on z, an optional prior term weight * mean(z^2) that keeps z where the
// prior puts its mass). With no class given, every class is tried for a few steps from the
// same start and the best one continues. It shows honestly what the generator cannot make:
// the final MSE is reported, not hidden. Torch-free header; the app calls it from a worker
// (the generator is loaded here, with gradients, separately from the explore face's copy).
// Never touches GL, ImGui or files other than the bundle it loads.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/image.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct GanInversionOptions {
  int steps = 200;             // Adam steps on z after the class search
  double learningRate = 0.05;
  double priorWeight = 0.0;    // weight of mean(z^2); 0 = pure pixel MSE
  int classIndex = -1;         // the class to invert with; -1 = search every class
  int searchSteps = 25;        // steps per class when searching
  int reportEvery = 5;         // progress (with the current image) every this many steps
};

struct GanInversionProgress {
  int step = 0, steps = 0;     // steps done of all (search included)
  double mse = 0;              // pixel MSE of the current z, images in [0, 1]
  int classIndex = -1;         // the class being tried or kept
  bool searching = false;
  std::vector<float> z;
  Image image;                 // G(z, class) now
};

struct GanInversionResult {
  std::vector<float> z;        // untruncated: decode it with psi = 1
  int classIndex = -1;
  Image image;
  double mse = 0;              // of the returned z
  std::vector<double> mseCurve;  // MSE before each step of the final class's descent, then after the last
};

class GanInverter {
 public:
  // Throws BadInput when `dir` is not a GAN bundle.
  static std::shared_ptr<GanInverter> load(const std::string& dir, const std::string& device = "cpu");
  ~GanInverter();
  int latentDim() const;
  int numClasses() const;
  const std::string& dir() const;
  // Throws BadInput (image size/channels differ from the generator's, bad options) and
  // Cancelled (between steps, when `cancel` is set).
  GanInversionResult invert(const Image& target, const GanInversionOptions& opts,
                            const std::function<void(const GanInversionProgress&)>& progress = {},
                            const CancelToken& cancel = {});

 private:
  struct Impl;
  GanInverter();
  std::unique_ptr<Impl> m;
};

}  // namespace latentlab
