#include "engine/train/epoch_checkpoint.h"

#include <torch/serialize.h>

#include <cmath>
#include <filesystem>

#include "engine/models/bundle.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {
std::string statePath(const std::string& d) { return d + "/state.json"; }
std::string weightsPath(const std::string& d, const std::string& name) { return d + "/" + name + ".safetensors"; }
std::string optimPath(const std::string& d, const std::string& name) { return d + "/" + name + ".pt"; }
}  // namespace

void EpochCheckpoint::save(const CheckpointParts& parts, const TrainPosition& at) const {
  const std::string tmp = m_dir + ".tmp", old = m_dir + ".old";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  for (auto& [name, module] : parts.modules) saveModuleWeights(*module, weightsPath(tmp, name));
  for (auto& [name, optim] : parts.optimizers) torch::save(*optim, optimPath(tmp, name));
  nlohmann::json st = {{"epochs_done", at.epochsDone}, {"batch", at.batch},     {"step", at.step},
                       {"batches_per_epoch", at.batchesPerEpoch}, {"sums", at.sums},              {"history", at.history}, {"options", parts.options}};
  writeFileAtomic(statePath(tmp), st.dump(2));
  // Swap: the previous checkpoint stays complete under .old until the new one is in place.
  fs::remove_all(old);
  if (fs::exists(m_dir)) fs::rename(m_dir, old);
  fs::rename(tmp, m_dir);
  fs::remove_all(old);
}

bool EpochCheckpoint::load(const CheckpointParts& parts, TrainPosition& at, const std::string& command) const {
  std::string dir;
  for (const std::string& d : {m_dir, m_dir + ".old"})  // .old: a crash between the two renames
    if (fs::exists(statePath(d))) {
      dir = d;
      break;
    }
  if (dir.empty()) return false;
  auto st = readJsonFile(statePath(dir));
  const auto& recorded = st.value("options", nlohmann::json::object());
  for (auto& [key, value] : parts.options.items())
    if (recorded.contains(key) && recorded[key] != value)
      throw UsageError(command + ": the checkpoint in " + dir + " was made with " + key + " " + recorded[key].dump() +
                       ", this run asks for " + value.dump() + " (use the same options, or a new -o folder)");
  TrainPosition p;
  try {  // a hand-edited or damaged state.json is bad input, not a crash
    p.epochsDone = st.contains("epochs_done") ? st.at("epochs_done").get<int>() : st.at("epoch").get<int>();
    p.batch = st.value("batch", int64_t(0));
    p.step = st.value("step", int64_t(-1));  // -1: not recorded, the loop derives it
    p.batchesPerEpoch = st.value("batches_per_epoch", int64_t(0));
    if (st.contains("sums")) p.sums = st.at("sums").get<std::vector<double>>();
    else if (st.contains("epoch_loss_sum")) p.sums = {st.at("epoch_loss_sum").get<double>()};
    p.history = st.value("history", nlohmann::json::array());
  } catch (const nlohmann::json::exception& e) {
    throw BadInput(statePath(dir) + ": not a checkpoint state this version understands (" + e.what() +
                   "); resume from another checkpoint or start a new -o folder");
  }
  if (p.epochsDone < 0 || p.batch < 0 || !p.history.is_array())
    throw BadInput(statePath(dir) + ": negative epoch or batch, or history is not a list");
  for (auto& [name, module] : parts.modules) loadModuleWeights(*module, weightsPath(dir, name));
  for (auto& [name, optim] : parts.optimizers) {
    std::string path = optimPath(dir, name);
    if (!fs::exists(path)) throw BadInput(path + ": missing from the checkpoint");
    // The optimizer's state (Adam's moments) goes where its parameters are: a CUDA run
    // resumed from a checkpoint would otherwise step with CPU state.
    c10::optional<torch::Device> device;
    for (auto& g : optim->param_groups())
      if (!g.params().empty()) device = g.params().front().device();
    torch::load(*optim, path, device);
  }
  at = std::move(p);
  return true;
}

double cosineLearningRate(double base, int epoch, int epochs) {
  const double kPi = 3.14159265358979323846;
  double t = epochs > 1 ? double(epoch) / (epochs - 1) : 0.0;
  return base * (0.05 + 0.95 * 0.5 * (1 + std::cos(kPi * t)));
}

void setLearningRate(torch::optim::Optimizer& optim, double lr) {
  for (auto& g : optim.param_groups()) g.options().set_lr(lr);
}

}  // namespace latentlab
