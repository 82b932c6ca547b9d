// GAN inversion by gradient descent on z (see gan_inversion.h). The generator is in eval mode
// (BatchNorm running statistics) and its weights are frozen: only z (N = 1) gets gradients.
#include "engine/latent/gan_inversion.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include "engine/data/image_tensor.h"
#include "engine/models/gan_bundle.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab {

struct GanInverter::Impl {
  std::shared_ptr<GanBundle> gan;
};

GanInverter::GanInverter() : m(std::make_unique<Impl>()) {}
GanInverter::~GanInverter() = default;

std::shared_ptr<GanInverter> GanInverter::load(const std::string& dir, const std::string& device) {
  // Loaded outside inference mode: the weights take part in a graph (backward to z).
  c10::InferenceMode withGrad(false);
  std::shared_ptr<GanInverter> inv(new GanInverter());
  inv->m->gan = loadGanBundle(dir, pickDevice(device));
  inv->m->gan->freezeWeights();
  return inv;
}

int GanInverter::latentDim() const { return m->gan->latentDim(); }
int GanInverter::numClasses() const { return m->gan->numClasses(); }
const std::string& GanInverter::dir() const { return m->gan->dir; }

GanInversionResult GanInverter::invert(const Image& target, const GanInversionOptions& o,
                                       const std::function<void(const GanInversionProgress&)>& progress,
                                       const CancelToken& cancel) {
  c10::InferenceMode withGrad(false);
  GanBundle& g = *m->gan;
  const ImageSpec& im = g.manifest.image;
  if (target.width != im.width || target.height != im.height || target.channels != im.channels)
    throw BadInput("inversion: the image is " + std::to_string(target.channels) + " x " + std::to_string(target.height) +
                   " x " + std::to_string(target.width) + ", the generator makes " + std::to_string(im.channels) +
                   " x " + std::to_string(im.height) + " x " + std::to_string(im.width));
  if (o.steps < 0 || o.steps > 100000 || o.searchSteps < 1 || o.reportEvery < 1)
    throw BadInput("inversion: steps must be in 0..100000, search steps and report interval >= 1");
  if (!(o.learningRate > 0) || !(o.priorWeight >= 0)) throw BadInput("inversion: learning rate > 0 and prior weight >= 0");
  const int nc = g.numClasses();
  if (o.classIndex >= nc || o.classIndex < -1 || (nc == 0 && o.classIndex > 0))
    throw BadInput("inversion: class " + std::to_string(o.classIndex) + " is not one of the generator's " +
                   std::to_string(nc) + " classes");

  auto x = imagesToTensor({target}).to(g.device);
  std::vector<int> candidates;
  if (nc == 0) candidates = {-1};
  else if (o.classIndex >= 0) candidates = {o.classIndex};
  else
    for (int c = 0; c < nc; ++c) candidates.push_back(c);
  const bool search = candidates.size() > 1;
  const int total = (search ? int(candidates.size()) * o.searchSteps : 0) + o.steps;
  int done = 0;

  auto classTensor = [&](int c) {
    return c < 0 ? torch::Tensor() : torch::full({1}, int64_t(c), torch::TensorOptions(torch::kLong)).to(g.device);
  };
  // `steps` Adam steps from z0 with class c; the MSE before each step, then after the last.
  auto descend = [&](torch::Tensor z0, int c, int steps, bool searching, std::vector<double>& curve) {
    auto z = z0.clone().requires_grad_(true);
    torch::optim::Adam opt({z}, torch::optim::AdamOptions(o.learningRate));
    auto cls = classTensor(c);
    for (int i = 0;; ++i) {
      cancel.throwIfCancelled();
      auto img = g.forward(z, cls);
      // A TorchScript module may cut the graph (detach, integer ops, no_grad inside): say
      // so instead of LibTorch's "element 0 of tensors does not require grad".
      if (!img.requires_grad())
        throw BadInput(g.dir + ": inversion needs gradients through the generator, but its output does not depend "
                       "differentiably on z (the module detaches or rounds it); generation still works");
      auto mse = (img - x).pow(2).mean();
      const double mseValue = mse.item<double>();
      curve.push_back(mseValue);
      if (progress && (i % o.reportEvery == 0 || i == steps)) {
        GanInversionProgress p;
        p.step = done, p.steps = total, p.mse = mseValue, p.classIndex = c, p.searching = searching;
        auto zc = z.detach().to(torch::kCPU).contiguous();
        p.z.assign(zc.data_ptr<float>(), zc.data_ptr<float>() + zc.numel());
        p.image = tensorToImages(img.detach().to(torch::kCPU))[0];
        progress(p);
      }
      if (i == steps) break;
      auto loss = mse;
      if (o.priorWeight > 0) loss = loss + o.priorWeight * z.pow(2).mean();
      opt.zero_grad();
      loss.backward();
      opt.step();
      ++done;
    }
    return z.detach();
  };

  // Every class starts from the mean latent (z = 0), so the search compares classes fairly.
  auto z0 = torch::zeros({1, int64_t(g.latentDim())}, torch::TensorOptions(torch::kFloat)).to(g.device);
  int best = candidates[0];
  torch::Tensor start = z0;
  if (search) {
    double bestMse = 0;
    for (size_t k = 0; k < candidates.size(); ++k) {
      std::vector<double> curve;
      auto z = descend(z0, candidates[k], o.searchSteps, true, curve);
      if (k == 0 || curve.back() < bestMse) bestMse = curve.back(), best = candidates[k], start = z;
    }
  }
  GanInversionResult r;
  auto z = descend(start, best, o.steps, false, r.mseCurve);
  r.classIndex = best;
  r.mse = r.mseCurve.back();
  {
    torch::NoGradGuard ng;
    r.image = tensorToImages(g.forward(z, classTensor(best)).to(torch::kCPU))[0];
  }
  auto zc = z.to(torch::kCPU).contiguous();
  r.z.assign(zc.data_ptr<float>(), zc.data_ptr<float>() + zc.numel());
  return r;
}

}  // namespace latentlab
