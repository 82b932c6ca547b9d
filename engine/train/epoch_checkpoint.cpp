#include "engine/train/epoch_checkpoint.h"

#include <torch/serialize.h>

#include <cmath>
#include <filesystem>

#include "engine/models/bundle.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

void EpochCheckpoint::save(const torch::nn::Module& model, torch::optim::Adam& optim, int epochsDone,
                           const nlohmann::json& history) const {
  fs::create_directories(dir);
  saveModuleWeights(model, modelPath());
  std::string tmp = optimPath() + ".tmp";
  torch::save(optim, tmp);
  fs::rename(tmp, optimPath());
  writeFileAtomic(statePath(), nlohmann::json({{"epochs_done", epochsDone}, {"history", history}}).dump(2));
}

int EpochCheckpoint::resume(torch::nn::Module& model, torch::optim::Adam& optim, nlohmann::json& history) const {
  if (!fs::exists(statePath())) return 0;
  auto st = readJsonFile(statePath());
  history = st.value("history", nlohmann::json::array());
  loadModuleWeights(model, modelPath());
  torch::load(optim, optimPath());
  return st.at("epochs_done").get<int>();
}

double cosineLearningRate(double base, int epoch, int epochs) {
  const double kPi = 3.14159265358979323846;
  double t = epochs > 1 ? double(epoch) / (epochs - 1) : 0.0;
  return base * (0.05 + 0.95 * 0.5 * (1 + std::cos(kPi * t)));
}

}  // namespace latentlab
