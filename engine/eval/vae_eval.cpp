#include "engine/eval/vae_eval.h"

#include <torch/torch.h>

#include <cmath>

#include "engine/latent/encode.h"
#include "engine/util/errors.h"

namespace latentlab {

VaeEval evaluateVae(ModelBundle& b, const Dataset& d, int64_t limit, const ProgressFn& progress, CancelToken cancel) {
  if (!b.autoencoder) throw BadInput(b.dir + ": this model has no autoencoder to evaluate");
  checkDataMatchesModel(b, d);
  torch::InferenceMode guard;
  const int64_t n = limit > 0 ? std::min(limit, d.count) : d.count;
  const int64_t batch = 500;
  const double pixels = double(d.channels) * d.height * d.width;
  double sq = 0, kl = 0;
  torch::Tensor klDims;
  for (int64_t i = 0; i < n; i += batch) {
    cancel.throwIfCancelled();
    int64_t end = std::min(n, i + batch);
    auto x = modelInput(b, d, i, end);
    auto [mu, logvar] = b.autoencoder->encode(x);
    auto recon = modelOutputTo01(b, b.autoencoder->decode(mu));
    auto x01 = modelOutputTo01(b, x);
    sq += (recon - x01).pow(2).sum().item<double>();
    auto kld = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).to(torch::kCPU, torch::kFloat64).flatten(1);
    kl += kld.sum().item<double>();
    klDims = klDims.defined() ? klDims + kld.sum(0) : kld.sum(0);
    if (progress) {
      Progress p;
      p.step = end, p.steps = n;
      progress(p);
    }
  }
  VaeEval e;
  e.count = n;
  e.msePerPixel = sq / (n * pixels);
  e.decoderSigma = b.manifest.training.is_object() && b.manifest.training.contains("decoder_sigma")
                       ? b.manifest.training["decoder_sigma"].get<double>()
                       : std::sqrt(e.msePerPixel);
  double s2 = e.decoderSigma * e.decoderSigma;
  e.reconNll = sq / n / (2 * s2) + 0.5 * pixels * std::log(2 * M_PI * s2);
  e.kl = kl / n;
  e.elbo = -(e.reconNll + e.kl);
  auto kd = (klDims / double(n)).contiguous();
  e.klPerDim.assign(kd.data_ptr<double>(), kd.data_ptr<double>() + kd.numel());
  return e;
}

}  // namespace latentlab
