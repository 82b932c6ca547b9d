// Evaluation of an autoencoder on a data set: reconstruction MSE per pixel (decoder mean
// vs image in [0,1]) and the ELBO terms with the Gaussian decoder the model was trained
// with (sigma from model.json's training.decoder_sigma, else the measured RMSE).
#pragma once
#include <vector>

#include "engine/data/dataset.h"
#include "engine/models/bundle.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct VaeEval {
  int64_t count = 0;
  double msePerPixel = 0;
  double decoderSigma = 0;
  double reconNll = 0;  // nats per image: -E_q log p(x|z) at z = mu
  double kl = 0;        // nats per image
  double elbo = 0;      // -(reconNll + kl)
  std::vector<double> klPerDim;
};

VaeEval evaluateVae(ModelBundle& bundle, const Dataset& data, int64_t limit = 0, const ProgressFn& progress = {},
                    CancelToken cancel = {});

}  // namespace latentlab
