// The noise schedule of a diffusion model, built from the diffusers scheduler_config keys
// (num_train_timesteps, beta_start, beta_end, beta_schedule, prediction_type,
// timestep_spacing, steps_offset, clip_sample, clip_sample_range), and forward noising
// q(x_t | x_0). Coefficients are kept in double precision so that a sampler's arithmetic
// is limited only by the dtype of the sample it is given.
// Never silently accepts a key or value it does not understand: that is a BadInput.
#pragma once
#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace latentlab {

enum class PredictionType { Epsilon, VPrediction, Sample };

struct ScheduleConfig {
  int numTrainTimesteps = 1000;
  double betaStart = 0.0001, betaEnd = 0.02;
  std::string betaSchedule = "linear";       // linear | scaled_linear | squaredcos_cap_v2
  PredictionType predictionType = PredictionType::Epsilon;
  std::string timestepSpacing = "leading";   // leading | trailing | linspace
  int stepsOffset = 0;
  bool clipSample = false;
  double clipSampleRange = 1.0;

  // `where` names the source in messages, e.g. "model.json: scheduler".
  static ScheduleConfig fromJson(const nlohmann::json& j, const std::string& where);
  nlohmann::json toJson() const;
};

std::string predictionTypeName(PredictionType p);

class NoiseSchedule {
 public:
  explicit NoiseSchedule(const ScheduleConfig& cfg);
  const ScheduleConfig& config() const { return m_cfg; }
  int numTrainTimesteps() const { return m_cfg.numTrainTimesteps; }

  double beta(int64_t t) const { return m_betas.at(size_t(t)); }
  // alpha_bar(t) = prod_{s<=t} (1 - beta_s); alpha_bar(-1) = 1 (the clean sample).
  double alphaBar(int64_t t) const { return t < 0 ? 1.0 : m_alphaBars.at(size_t(t)); }
  // Karras/diffusers sigma of the variance-exploding view: sqrt((1 - a) / a).
  double sigma(int64_t t) const;
  const std::vector<double>& alphaBars() const { return m_alphaBars; }

  // The timesteps a sampler visits for `numSteps` steps, descending, per timestep_spacing
  // (diffusers DDIMScheduler.set_timesteps). Throws BadInput for 0 or too many steps.
  std::vector<int64_t> timesteps(int numSteps) const;

  // q(x_t | x_0): sqrt(a_t) x0 + sqrt(1 - a_t) noise, t per batch row (int64, N).
  torch::Tensor addNoise(const torch::Tensor& x0, const torch::Tensor& noise, const torch::Tensor& t) const;
  // The regression target of the training loss for this prediction type.
  torch::Tensor trainingTarget(const torch::Tensor& x0, const torch::Tensor& noise, const torch::Tensor& t) const;

 private:
  torch::Tensor perRow(const torch::Tensor& t, const torch::Tensor& like, bool sqrtOneMinus) const;

  ScheduleConfig m_cfg;
  std::vector<double> m_betas, m_alphaBars;
};

}  // namespace latentlab
