// Noise schedules and every registered sampler against tools/reference/sampler_reference.py
// (an independent float64 numpy implementation of the published formulas, run here with
// Debian's python3-torch interpreter), plus determinism under a seed and config errors.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <set>

#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/guidance.h"
#include "engine/diffusion/sampler.h"
#include "engine/diffusion/schedule.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"
#include "test_support.h"

using namespace latentlab;
using nlohmann::json;

namespace {

const json& reference() {
  static const json ref = [] {
    std::string out = test::tempDir("sampler-ref") + "/ref.json";
    auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " +
                              test::sourcePath("tools/reference/sampler_reference.py") + " " + out);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return readJsonFile(out);
  }();
  return ref;
}

torch::Tensor fromJson(const json& values, std::vector<int64_t> shape) {
  return torch::tensor(values.get<std::vector<double>>(), torch::kDouble).reshape(shape);
}

// The exact posterior mean E[x0 | x_t] for data x0 ~ N(mu_c, s^2 I), written in the
// requested prediction type: the same closed form the reference uses.
class GaussianDenoiser : public Denoiser {
 public:
  GaussianDenoiser(const NoiseSchedule& s, const json& spec)
      : m_schedule(s),
        m_classes(spec["num_classes"].get<int>()),
        m_std(spec["std"].get<double>()),
        m_shift(spec["class_shift"].get<double>()),
        m_mean(fromJson(spec["mean"], spec["sample_shape"].get<std::vector<int64_t>>())) {}

  torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& classes) override {
    std::vector<torch::Tensor> rows;
    for (int64_t i = 0; i < xt.size(0); ++i) {
      const double a = m_schedule.alphaBar(int64_t(std::llround(t[i].item<double>())));
      const int64_t c = classes.defined() ? classes[i].item<int64_t>() : m_classes;
      auto mu = (m_mean + (c < m_classes ? m_shift * double(c + 1) : 0.0)).to(xt.dtype());
      const double k = std::sqrt(a) * m_std * m_std / (a * m_std * m_std + 1 - a);
      auto x0 = mu + k * (xt[i] - std::sqrt(a) * mu);
      auto eps = (xt[i] - std::sqrt(a) * x0) / std::sqrt(1 - a);
      switch (m_schedule.config().predictionType) {
        case PredictionType::Epsilon: rows.push_back(eps); break;
        case PredictionType::Sample: rows.push_back(x0); break;
        case PredictionType::VPrediction: rows.push_back(std::sqrt(a) * eps - std::sqrt(1 - a) * x0); break;
      }
    }
    return torch::stack(rows);
  }
  int numClasses() const override { return m_classes; }
  int64_t parameterCount() const override { return 0; }
  void to(torch::Device) override {}

 private:
  NoiseSchedule m_schedule;
  int m_classes;
  double m_std, m_shift;
  torch::Tensor m_mean;
};

// Elementwise |a - b| <= rtol |b| + atol, reporting the worst offender.
void checkClose(const torch::Tensor& got, const torch::Tensor& want, double rtol, const std::string& what) {
  REQUIRE(got.sizes() == want.sizes());
  auto excess = (got - want).abs() - rtol * want.abs() - 1e-9;
  double worst = excess.max().item<double>();
  INFO(what << ": worst excess over tolerance " << worst << ", max |diff| " << (got - want).abs().max().item<double>());
  CHECK(worst <= 0);
}

}  // namespace

TEST_CASE("alpha_bar of every beta_schedule matches the reference") {
  const auto& ref = reference();
  std::set<std::string> kinds;
  for (auto& s : ref["schedules"]) {
    NoiseSchedule sched(ScheduleConfig::fromJson(s["config"], "test"));
    auto want = s["alphas_cumprod"].get<std::vector<double>>();
    REQUIRE(sched.alphaBars().size() == want.size());
    auto got = torch::tensor(sched.alphaBars(), torch::kDouble);
    checkClose(got, torch::tensor(want, torch::kDouble), 1e-10, s["config"]["beta_schedule"].get<std::string>());
    CHECK(sched.alphaBar(-1) == 1.0);
    kinds.insert(s["config"]["beta_schedule"].get<std::string>());
  }
  CHECK(kinds == std::set<std::string>{"linear", "scaled_linear", "squaredcos_cap_v2"});
}

TEST_CASE("timesteps of every spacing match the reference") {
  for (auto& c : reference()["timesteps"]) {
    NoiseSchedule sched(ScheduleConfig::fromJson(c["config"], "test"));
    INFO(c["config"].dump() << " steps " << c["steps"]);
    CHECK(sched.timesteps(c["steps"].get<int>()) == c["timesteps"].get<std::vector<int64_t>>());
  }
}

TEST_CASE("every registered sampler matches the reference step by step") {
  const auto& ref = reference();
  const auto& spec = ref["denoiser"];
  std::vector<int64_t> shape = {spec["count"].get<int64_t>()};
  for (auto d : spec["sample_shape"].get<std::vector<int64_t>>()) shape.push_back(d);
  REQUIRE(samplerNames().size() >= 4);
  for (const std::string& name : samplerNames()) {
    std::set<std::pair<std::string, std::string>> pairs;  // (beta_schedule, prediction_type) covered
    for (auto& c : ref["cases"]) {
      if (c["sampler"] != name) continue;
      INFO(name << " eta " << c["eta"] << " config " << c["config"].dump() << " guidance " << c["guidance"]);
      NoiseSchedule sched(ScheduleConfig::fromJson(c["config"], "test"));
      auto sampler = makeSampler(name, sched, SamplerOptions{c["eta"].get<double>(), c["clipped_eps"].get<bool>()});
      sampler->setSteps(c["steps"].get<int>());
      CHECK(sampler->timesteps() == c["timesteps"].get<std::vector<int64_t>>());
      GaussianDenoiser denoiser(sched, spec);
      std::vector<torch::Tensor> noise;
      for (auto& n : c["noise"]) noise.push_back(fromJson(n, shape));
      DenoiseRun run;
      run.guidance = c["guidance"].get<double>();
      run.classes = torch::tensor(c["classes"].get<std::vector<int64_t>>(), torch::kLong);
      run.noise = [&](int i, const torch::Tensor&) { return noise.at(size_t(i)); };
      int seen = 0;
      run.onStep = [&](const DenoiseStepInfo& s) {
        checkClose(s.sample, fromJson(c["prev"][size_t(s.index)], shape), 1e-5, "x_{t-1} at step " + std::to_string(s.index));
        checkClose(s.x0, fromJson(c["x0"][size_t(s.index)], shape), 1e-5, "x0 at step " + std::to_string(s.index));
        CHECK(s.timestep == c["timesteps"][size_t(s.index)].get<int64_t>());
        ++seen;
      };
      auto start = fromJson(c["z"], shape) * sampler->initNoiseScale();
      auto final = runDenoise(denoiser, *sampler, start, run);
      CHECK(seen == sampler->numSteps());
      checkClose(final, fromJson(c["prev"].back(), shape), 1e-5, "final sample");
      if (c["clipped_eps"].get<bool>()) {
        // The case proves use_clipped_model_output only if some x0 was actually clipped.
        double range = c["config"]["clip_sample_range"].get<double>(), hits = 0;
        for (auto& x0 : c["x0"])
          for (double v : x0.get<std::vector<double>>()) hits += std::abs(std::abs(v) - range) < 1e-12;
        CHECK(hits > 0);
      }
      pairs.insert({c["config"]["beta_schedule"].get<std::string>(), c["config"]["prediction_type"].get<std::string>()});
    }
    INFO("sampler " << name << " needs reference cases for all 9 beta_schedule x prediction_type pairs");
    CHECK(pairs.size() == 9);
  }
}

TEST_CASE("every registered sampler is deterministic under a seed and depends on it") {
  const auto& spec = reference()["denoiser"];
  NoiseSchedule sched(ScheduleConfig::fromJson({{"beta_schedule", "linear"}, {"timestep_spacing", "trailing"}}, "test"));
  GaussianDenoiser denoiser(sched, spec);
  std::vector<int64_t> shape = {3};
  for (auto d : spec["sample_shape"].get<std::vector<int64_t>>()) shape.push_back(d);
  for (const std::string& name : samplerNames()) {
    INFO(name);
    auto runOnce = [&](uint64_t seed, int steps) {
      auto sampler = makeSampler(name, sched, SamplerOptions{0.5});
      sampler->setSteps(steps);
      SeededNoise noise(seed);
      DenoiseRun run;
      run.classes = torch::tensor({0, 1, 2}, torch::kLong);
      run.guidance = 2.0;
      run.noise = noise.stepNoise();
      std::vector<torch::Tensor> x0s;
      run.onStep = [&](const DenoiseStepInfo& s) {
        CHECK(s.xt.sizes() == s.sample.sizes());
        x0s.push_back(s.x0);
      };
      auto start = noise.draw(shape, torch::TensorOptions(torch::kFloat)) * sampler->initNoiseScale();
      auto out = runDenoise(denoiser, *sampler, start, run);
      CHECK(int(x0s.size()) == steps);
      return out;
    };
    auto a = runOnce(7, 12), b = runOnce(7, 12), c = runOnce(8, 12);
    CHECK(a.sizes() == torch::IntArrayRef(shape));
    CHECK(a.dtype() == torch::kFloat);
    CHECK(torch::isfinite(a).all().item<bool>());
    CHECK(torch::equal(a, b));
    CHECK(!torch::equal(a, c));
  }
}

TEST_CASE("a run stops at the cancel token between steps") {
  const auto& spec = reference()["denoiser"];
  NoiseSchedule sched(ScheduleConfig{});
  GaussianDenoiser denoiser(sched, spec);
  auto sampler = makeSampler("ddim", sched);
  sampler->setSteps(20);
  std::atomic<bool> flag{false};
  DenoiseRun run;
  run.cancel.flag = &flag;
  int steps = 0;
  run.onStep = [&](const DenoiseStepInfo& s) {
    if (++steps == 3) flag = true;
  };
  CHECK_THROWS_AS(runDenoise(denoiser, *sampler, torch::randn({1, 1, 3, 3}, torch::kDouble), run), Cancelled);
  CHECK(steps == 3);
}

TEST_CASE("forward noising q(x_t | x_0) and training targets follow alpha_bar") {
  for (const char* pred : {"epsilon", "v_prediction", "sample"}) {
    NoiseSchedule sched(ScheduleConfig::fromJson({{"beta_schedule", "scaled_linear"}, {"prediction_type", pred}}, "t"));
    auto x0 = torch::randn({4, 1, 2, 2}, torch::kDouble), noise = torch::randn({4, 1, 2, 2}, torch::kDouble);
    auto t = torch::tensor({0, 10, 500, 999}, torch::kLong);
    auto xt = sched.addNoise(x0, noise, t);
    auto target = sched.trainingTarget(x0, noise, t);
    for (int64_t i = 0; i < 4; ++i) {
      double a = sched.alphaBar(t[i].item<int64_t>());
      checkClose(xt[i], std::sqrt(a) * x0[i] + std::sqrt(1 - a) * noise[i], 1e-12, "x_t");
      // A perfect model output for this type lets the sampler's own x0 formula recover x0.
      torch::Tensor recovered = std::string(pred) == "epsilon" ? (xt[i] - std::sqrt(1 - a) * target[i]) / std::sqrt(a)
                                : std::string(pred) == "sample" ? target[i]
                                                                : std::sqrt(a) * xt[i] - std::sqrt(1 - a) * target[i];
      checkClose(recovered, x0[i], 1e-9, std::string("x0 from the ") + pred + " target");
    }
  }
}

TEST_CASE("classifier-free guidance mixes the class and null-class outputs") {
  const auto& spec = reference()["denoiser"];
  NoiseSchedule sched(ScheduleConfig{});
  GaussianDenoiser d(sched, spec);
  auto x = torch::randn({2, 1, 3, 3}, torch::kDouble);
  auto cls = torch::tensor({1, 2}, torch::kLong);
  auto tt = torch::full({2}, 400.0, torch::kDouble);
  auto cond = d.forward(x, tt, cls), uncond = d.forward(x, tt, torch::full({2}, 4, torch::kLong));
  CHECK(!torch::allclose(cond, uncond));
  checkClose(guidedModelOutput(d, x, 400, cls, 1.0), cond, 1e-12, "g = 1");
  checkClose(guidedModelOutput(d, x, 400, cls, 0.0), uncond, 1e-12, "g = 0");
  checkClose(guidedModelOutput(d, x, 400, cls, 3.0), uncond + 3 * (cond - uncond), 1e-12, "g = 3");
}

TEST_CASE("invalid scheduler configs are refused naming the key and the expected values") {
  auto refuse = [](const json& j, const std::string& mustMention) {
    INFO(j.dump());
    try {
      NoiseSchedule s(ScheduleConfig::fromJson(j, "model.json: scheduler"));
      FAIL("accepted");
    } catch (const BadInput& e) {
      std::string msg = e.what();
      INFO(msg);
      CHECK(msg.find(mustMention) != std::string::npos);
      CHECK(msg.find("model.json: scheduler") != std::string::npos);
    }
  };
  refuse({{"beta_schedule", "cosine"}}, "\"squaredcos_cap_v2\"");
  refuse({{"prediction_type", "eps"}}, "\"v_prediction\"");
  refuse({{"timestep_spacing", 3}}, "timestep_spacing");
  refuse({{"num_train_timesteps", -5}}, "num_train_timesteps");
  refuse({{"beta_start", 0.5}, {"beta_end", 0.1}}, "beta_start");
  refuse({{"clip_sample", "yes"}}, "clip_sample");
  refuse({{"steps_offset", 1000}}, "steps_offset");
  refuse({{"thresholding", true}}, "thresholding");
  refuse({{"karras_sigmas", true}}, "karras_sigmas");
  // diffusers' metadata keys are fine.
  CHECK_NOTHROW(ScheduleConfig::fromJson({{"_class_name", "DDIMScheduler"}, {"set_alpha_to_one", true}}, "x"));
  NoiseSchedule s(ScheduleConfig{});
  CHECK_THROWS_AS(s.timesteps(0), BadInput);
  CHECK_THROWS_AS(s.timesteps(1001), BadInput);
}

TEST_CASE("an unknown sampler name lists the registered ones") {
  NoiseSchedule s(ScheduleConfig{});
  try {
    makeSampler("heun", s);
    FAIL("accepted");
  } catch (const BadInput& e) {
    for (auto& n : samplerNames()) CHECK(std::string(e.what()).find(n) != std::string::npos);
  }
  std::set<std::string> names(samplerNames().begin(), samplerNames().end());
  CHECK(names == std::set<std::string>{"ddpm", "ddim", "euler", "dpmpp-2m"});
}
