#include "engine/latent/encode.h"

#include <torch/torch.h>

#include "engine/data/image_tensor.h"
#include "engine/data/resize.h"
#include "engine/util/errors.h"

namespace latentlab {

void checkDataMatchesModel(const ModelBundle& b, const Dataset& d) {
  const ImageSpec& s = b.manifest.image;
  if (d.channels != s.channels || d.height != s.height || d.width != s.width)
    throw BadInput(dataShapeMismatch(d, {s.channels, s.height, s.width}, b.dir));
}

torch::Tensor modelInput(const ModelBundle& b, const Dataset& d, int64_t begin, int64_t end) {
  return datasetToTensor(d, begin, end, b.manifest.image.rangeLo, b.manifest.image.rangeHi).to(b.device);
}

torch::Tensor modelOutputTo01(const ModelBundle& b, const torch::Tensor& out) {
  const ImageSpec& s = b.manifest.image;
  auto t = out.detach().to(torch::kCPU, torch::kFloat32);
  checkFinite(t, b.dir + ": model output");
  return ((t - s.rangeLo) / (s.rangeHi - s.rangeLo)).clamp(0, 1);
}

EncodedSet encodeDataset(ModelBundle& b, const Dataset& d, int64_t limit, int64_t batch, const ProgressFn& progress,
                         CancelToken cancel) {
  if (!b.autoencoder) throw BadInput(b.dir + ": this model has no encoder");
  checkDataMatchesModel(b, d);
  int64_t n = limit > 0 ? std::min(limit, d.count) : d.count;
  std::vector<torch::Tensor> mus, logvars;
  for (int64_t i = 0; i < n; i += batch) {
    cancel.throwIfCancelled();
    auto [mu, logvar] = b.autoencoder->encode(modelInput(b, d, i, std::min(n, i + batch)));
    mus.push_back(mu.detach().to(torch::kCPU, torch::kFloat32));
    logvars.push_back(logvar.detach().to(torch::kCPU, torch::kFloat32));
    if (progress) {
      Progress p;
      p.step = std::min(n, i + batch), p.steps = n;
      progress(p);
    }
  }
  EncodedSet e{torch::cat(mus), torch::cat(logvars)};
  checkFinite(e.mu, b.dir + ": encoder output");
  return e;
}

}  // namespace latentlab
