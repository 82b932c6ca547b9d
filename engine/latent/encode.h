// Encoding a whole data set in batches (the latent map, `latentlab encode`, eval).
#pragma once
#include <torch/types.h>

#include "engine/data/dataset.h"
#include "engine/models/bundle.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct EncodedSet {
  torch::Tensor mu, logvar;  // N x latent..., CPU float32
};

// Checks the data matches the model's image shape (BadInput otherwise), then encodes
// images [0, limit) (limit 0 = all) in batches, reporting progress and honouring cancel.
EncodedSet encodeDataset(ModelBundle& bundle, const Dataset& data, int64_t limit = 0, int64_t batch = 500,
                         const ProgressFn& progress = {}, CancelToken cancel = {});

// Throws BadInput when the data set's image shape differs from the model's.
void checkDataMatchesModel(const ModelBundle& bundle, const Dataset& data);

// Data images [begin, end) as a model input batch on the model's device and value range.
torch::Tensor modelInput(const ModelBundle& bundle, const Dataset& data, int64_t begin, int64_t end);
// Model output (value range of the manifest) -> [0, 1] on the CPU, NaN/Inf checked.
torch::Tensor modelOutputTo01(const ModelBundle& bundle, const torch::Tensor& out);

}  // namespace latentlab
