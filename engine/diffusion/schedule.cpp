#include "engine/diffusion/schedule.h"

#include <cmath>
#include <set>

#include "engine/util/errors.h"

namespace latentlab {

namespace {

using nlohmann::json;

const double kPi = 3.14159265358979323846;

// numpy's round(): half to even (the default FE_TONEAREST mode of nearbyint).
int64_t roundHalfEven(double v) { return int64_t(std::nearbyint(v)); }

double getNumber(const json& j, const char* key, double fallback, const std::string& where) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number()) throw BadInput(where + ": \"" + key + "\" must be a number");
  return j[key].get<double>();
}

int getInt(const json& j, const char* key, int fallback, int lo, int hi, const std::string& where) {
  if (!j.contains(key)) return fallback;
  const json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw BadInput(where + ": \"" + key + "\" must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return v.get<int>();
}

std::string getChoice(const json& j, const char* key, const std::string& fallback,
                      const std::vector<std::string>& choices, const std::string& where) {
  std::string expected;
  for (size_t i = 0; i < choices.size(); ++i) expected += (i ? ", " : "") + ("\"" + choices[i] + "\"");
  if (!j.contains(key)) return fallback;
  if (!j[key].is_string()) throw BadInput(where + ": \"" + key + "\" must be one of " + expected);
  std::string v = j[key].get<std::string>();
  for (auto& c : choices)
    if (v == c) return v;
  throw BadInput(where + ": \"" + key + "\" is \"" + v + "\", expected one of " + expected);
}

// diffusers writes these keys into every scheduler_config.json; we accept them only at the
// value that means "the behaviour we implement", so a config that relies on anything else
// is refused instead of being sampled wrongly.
void checkDefaultOnlyKeys(const json& j, const std::string& where) {
  const std::vector<std::pair<const char*, json>> fixed = {{"trained_betas", nullptr},
                                                           {"thresholding", false},
                                                           {"set_alpha_to_one", true},
                                                           {"variance_type", "fixed_small"},
                                                           {"rescale_betas_zero_snr", false}};
  for (auto& [key, value] : fixed)
    if (j.contains(key) && j[key] != value)
      throw BadInput(where + ": \"" + key + "\" = " + j[key].dump() + " is not supported (only " + value.dump() + ")");
}

}  // namespace

std::string predictionTypeName(PredictionType p) {
  switch (p) {
    case PredictionType::Epsilon: return "epsilon";
    case PredictionType::VPrediction: return "v_prediction";
    case PredictionType::Sample: return "sample";
  }
  return "?";
}

ScheduleConfig ScheduleConfig::fromJson(const json& j, const std::string& where) {
  ScheduleConfig c;
  if (j.is_null()) return c;
  if (!j.is_object()) throw BadInput(where + ": must be an object of diffusers scheduler_config keys");
  static const std::set<std::string> known = {"num_train_timesteps", "beta_start", "beta_end", "beta_schedule",
                                              "prediction_type", "timestep_spacing", "steps_offset", "clip_sample",
                                              "clip_sample_range", "trained_betas", "thresholding",
                                              "set_alpha_to_one", "variance_type", "rescale_betas_zero_snr"};
  for (auto& [k, v] : j.items())
    if (!known.count(k) && k.rfind('_', 0) != 0)  // "_class_name", "_diffusers_version": metadata
      throw BadInput(where + ": unknown scheduler key \"" + k + "\"");
  checkDefaultOnlyKeys(j, where);
  c.numTrainTimesteps = getInt(j, "num_train_timesteps", c.numTrainTimesteps, 2, 100000, where);
  c.betaSchedule = getChoice(j, "beta_schedule", c.betaSchedule, {"linear", "scaled_linear", "squaredcos_cap_v2"}, where);
  c.betaStart = getNumber(j, "beta_start", c.betaStart, where);
  c.betaEnd = getNumber(j, "beta_end", c.betaEnd, where);
  if (c.betaSchedule != "squaredcos_cap_v2" && !(c.betaStart > 0 && c.betaStart <= c.betaEnd && c.betaEnd < 1))
    throw BadInput(where + ": \"beta_start\" and \"beta_end\" must satisfy 0 < beta_start <= beta_end < 1");
  std::string pred = getChoice(j, "prediction_type", "epsilon", {"epsilon", "v_prediction", "sample"}, where);
  c.predictionType = pred == "epsilon" ? PredictionType::Epsilon
                     : pred == "sample" ? PredictionType::Sample : PredictionType::VPrediction;
  c.timestepSpacing = getChoice(j, "timestep_spacing", c.timestepSpacing, {"leading", "trailing", "linspace"}, where);
  c.stepsOffset = getInt(j, "steps_offset", 0, 0, c.numTrainTimesteps - 1, where);
  if (j.contains("clip_sample")) {
    if (!j["clip_sample"].is_boolean()) throw BadInput(where + ": \"clip_sample\" must be true or false");
    c.clipSample = j["clip_sample"].get<bool>();
  }
  c.clipSampleRange = getNumber(j, "clip_sample_range", c.clipSampleRange, where);
  if (!(c.clipSampleRange > 0)) throw BadInput(where + ": \"clip_sample_range\" must be a positive number");
  return c;
}

json ScheduleConfig::toJson() const {
  return {{"num_train_timesteps", numTrainTimesteps}, {"beta_start", betaStart},
          {"beta_end", betaEnd},                      {"beta_schedule", betaSchedule},
          {"prediction_type", predictionTypeName(predictionType)},
          {"timestep_spacing", timestepSpacing},      {"steps_offset", stepsOffset},
          {"clip_sample", clipSample},                {"clip_sample_range", clipSampleRange}};
}

NoiseSchedule::NoiseSchedule(const ScheduleConfig& cfg) : m_cfg(cfg) {
  const int n = cfg.numTrainTimesteps;
  m_betas.resize(size_t(n));
  for (int i = 0; i < n; ++i) {
    double f = n > 1 ? double(i) / (n - 1) : 0.0;
    if (cfg.betaSchedule == "linear") {
      m_betas[i] = cfg.betaStart + f * (cfg.betaEnd - cfg.betaStart);
    } else if (cfg.betaSchedule == "scaled_linear") {
      double s = std::sqrt(cfg.betaStart) + f * (std::sqrt(cfg.betaEnd) - std::sqrt(cfg.betaStart));
      m_betas[i] = s * s;
    } else {  // squaredcos_cap_v2 (Nichol & Dhariwal 2021), capped so no step destroys everything
      auto abar = [](double t) { double c = std::cos((t + 0.008) / 1.008 * kPi / 2); return c * c; };
      m_betas[i] = std::min(1.0 - abar(double(i + 1) / n) / abar(double(i) / n), 0.999);
    }
  }
  m_alphaBars.resize(size_t(n));
  double prod = 1.0;
  for (int i = 0; i < n; ++i) m_alphaBars[i] = prod *= (1.0 - m_betas[i]);
}

double NoiseSchedule::sigma(int64_t t) const {
  double a = alphaBar(t);
  return std::sqrt((1.0 - a) / a);
}

std::vector<int64_t> NoiseSchedule::timesteps(int numSteps) const {
  const int n = m_cfg.numTrainTimesteps;
  if (numSteps < 1 || numSteps > n)
    throw BadInput("steps must be in 1.." + std::to_string(n) + " (num_train_timesteps), got " + std::to_string(numSteps));
  std::vector<int64_t> ts;
  const std::string& s = m_cfg.timestepSpacing;
  if (s == "linspace") {
    double step = numSteps > 1 ? double(n - 1) / (numSteps - 1) : 0.0;
    for (int i = numSteps - 1; i >= 0; --i) ts.push_back(roundHalfEven(i * step));
    if (numSteps > 1) ts.front() = n - 1;  // numpy.linspace sets the end point exactly
  } else if (s == "leading") {
    int ratio = n / numSteps;
    for (int i = numSteps - 1; i >= 0; --i) ts.push_back(int64_t(i) * ratio + m_cfg.stepsOffset);
  } else {  // trailing: numpy.arange(n, 0, -n / numSteps), which steps by (n - r) - n
    // Exactly numSteps values: numpy's float arange can add one more (timestep -1).
    double ratio = double(n) / numSteps;
    double delta = (double(n) - ratio) - double(n);
    for (int64_t i = 0; i < numSteps; ++i) ts.push_back(roundHalfEven(n + i * delta) - 1);
  }
  for (auto t : ts)
    if (t < 0 || t >= n)
      throw BadInput("scheduler: " + std::to_string(numSteps) + " steps with timestep_spacing \"" + s +
                     "\" and steps_offset " + std::to_string(m_cfg.stepsOffset) + " reach timestep " +
                     std::to_string(t) + ", outside 0.." + std::to_string(n - 1));
  return ts;
}

torch::Tensor NoiseSchedule::perRow(const torch::Tensor& t, const torch::Tensor& like, bool sqrtOneMinus) const {
  auto idx = t.to(torch::kCPU, torch::kLong).reshape({-1});
  auto table = torch::tensor(m_alphaBars, torch::kDouble);
  auto a = table.index_select(0, idx);
  auto c = sqrtOneMinus ? torch::sqrt(1 - a) : torch::sqrt(a);
  std::vector<int64_t> shape(size_t(like.dim()), 1);
  shape[0] = like.size(0);
  return c.to(like.device(), like.scalar_type()).view(shape);
}

torch::Tensor NoiseSchedule::addNoise(const torch::Tensor& x0, const torch::Tensor& noise, const torch::Tensor& t) const {
  return perRow(t, x0, false) * x0 + perRow(t, x0, true) * noise;
}

torch::Tensor NoiseSchedule::trainingTarget(const torch::Tensor& x0, const torch::Tensor& noise,
                                            const torch::Tensor& t) const {
  switch (m_cfg.predictionType) {
    case PredictionType::Epsilon: return noise;
    case PredictionType::Sample: return x0;
    case PredictionType::VPrediction: return perRow(t, x0, false) * noise - perRow(t, x0, true) * x0;
  }
  return noise;
}

}  // namespace latentlab
