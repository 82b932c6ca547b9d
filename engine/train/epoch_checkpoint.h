// The per-epoch checkpoint shared by the VAE and classifier trainers: model weights
// (safetensors), optimizer state and state.json (epochs done + loss history), each written
// atomically, state.json last so a half-written checkpoint is never taken as complete.
// Also the cosine learning-rate schedule both use.
#pragma once
#include <torch/nn/module.h>
#include <torch/optim/adam.h>

#include <nlohmann/json.hpp>
#include <string>

namespace latentlab {

struct EpochCheckpoint {
  std::string dir;  // usually OUT/checkpoint
  std::string modelPath() const { return dir + "/model.safetensors"; }
  std::string optimPath() const { return dir + "/optimizer.pt"; }
  std::string statePath() const { return dir + "/state.json"; }

  void save(const torch::nn::Module& model, torch::optim::Adam& optim, int epochsDone,
            const nlohmann::json& history) const;
  // Loads model and optimizer when a complete checkpoint exists; returns the epochs done
  // (0 when there is none) and fills history.
  int resume(torch::nn::Module& model, torch::optim::Adam& optim, nlohmann::json& history) const;
};

// Cosine decay from base to 5 % of base over `epochs` epochs (epoch counted from 0).
double cosineLearningRate(double base, int epoch, int epochs);

}  // namespace latentlab
