// `latentlab bench`: quick engine timings on the bundled default model (the full
// benchmark programs and their results table live in bench/).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/diffusion/guidance.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/latent/encode.h"
#include "engine/models/model_kinds.h"
#include "engine/util/device.h"

namespace latentlab::cli {

namespace {
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * (v.size() - 1) + 0.5))];
}
double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Diffusion bundles: one denoiser step at batch 1 (plain and with classifier-free guidance,
// which runs the net on the class and the null class), a full 50-step DDIM sample, and the
// same sample as the GUI runs it (every step turned into images, latents decoded by the VAE).
int benchDiffusion(std::shared_ptr<ModelBundle> b, const std::string& dir, const EngineOptions& engine, bool json) {
  using Clock = std::chrono::steady_clock;
  DiffusionModel model(b);
  torch::InferenceMode guard;
  std::vector<int64_t> shape = {1};
  for (auto d : model.sampleShape()) shape.push_back(d);
  auto x = torch::randn(shape).to(model.device());
  auto cls = torch::full({1}, int64_t(model.numClasses() > 0 ? 3 : 0), torch::kLong).to(model.device());
  torch::Tensor classes = model.numClasses() > 0 ? cls : torch::Tensor();
  auto timeStep = [&](double guidance) {
    for (int i = 0; i < 5; ++i) guidedModelOutput(model.denoiser(), x, 500.0, classes, guidance);
    std::vector<double> ms;
    for (int i = 0; i < 50; ++i) {
      auto t0 = Clock::now();
      guidedModelOutput(model.denoiser(), x, 500.0, classes, guidance);
      ms.push_back(msSince(t0));
    }
    return percentile(ms, 0.5);
  };
  double step = timeStep(1.0), stepGuided = timeStep(3.0);
  std::vector<double> full;
  for (int r = 0; r < 5; ++r) {
    auto sampler = makeSampler("ddim", model.schedule());
    sampler->setSteps(50);
    SeededNoise noise(static_cast<uint64_t>(r));
    DenoiseRun run;
    run.guidance = 3.0;
    run.classes = classes;
    run.noise = noise.stepNoise();
    auto t0 = Clock::now();
    auto out = runDenoise(model.denoiser(), *sampler, noise.draw(shape, x.options()), run);
    model.toImages(out);
    full.push_back(msSince(t0));
  }
  auto gui = DiffusionSampler::load(dir, engine.device);
  std::vector<double> live;
  for (int r = 0; r < 3; ++r) {
    SampleRequest req;
    req.seed = uint64_t(r);
    req.classIndex = model.numClasses() > 0 ? 3 : -1;
    auto t0 = Clock::now();
    gui->sample(req, [](const SampleFrame&) {});
    live.push_back(msSince(t0));
  }
  nlohmann::json j = {{"model", b->dir},
                      {"kind", b->manifest.kind},
                      {"device", b->device.str()},
                      {"threads", torch::get_num_threads()},
                      {"step_batch1_ms_p50", step},
                      {"step_batch1_guided_ms_p50", stepGuided},
                      {"ddim50_guided_ms_p50", percentile(full, 0.5)},
                      {"ddim50_guided_every_step_shown_ms_p50", percentile(live, 0.5)}};
  if (json) std::cout << j.dump(2) << "\n";
  else
    std::printf("one step, batch 1: %.2f ms (with guidance %.2f ms)\n50-step DDIM, guidance 3: %.0f ms; with every "
                "step turned into images (as the GUI shows it): %.0f ms\ndevice %s, %d threads\n",
                step, stepGuided, percentile(full, 0.5), percentile(live, 0.5), b->device.str().c_str(),
                torch::get_num_threads());
  return 0;
}

}  // namespace

void addBench(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  struct Opts {
    std::string model = std::string(LATENTLAB_SOURCE_DIR) + "/assets/models/fashion-vae-16";
    bool json = false;
    int repeats = 300;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  c->add_option("--model", o->model, "Model bundle folder")->capture_default_str();
  c->add_option("--repeats", o->repeats, "Decode repetitions")->capture_default_str()->check(CLI::Range(10, 100000));
  c->add_flag("--json", o->json, "Machine-readable output");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      using Clock = std::chrono::steady_clock;
      auto b = loadModelForCli(o->model, o->engine);
      if (isDiffusionKind(b->manifest.kind))
        return benchDiffusion(b, o->model, o->engine, o->json);
      torch::InferenceMode guard;
      auto& ae = requireAutoencoder(*b);
      auto z = torch::randn({1, b->manifest.latentSize()}).to(b->device);
      for (int i = 0; i < 20; ++i) ae.decode(z);
      std::vector<double> ms;
      for (int i = 0; i < o->repeats; ++i) {
        auto t0 = Clock::now();
        auto img = ae.decode(z).cpu();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      Dataset d = openDataset("fashion-mnist:test");
      auto t0 = Clock::now();
      encodeDataset(*b, d);
      double encodeS = std::chrono::duration<double>(Clock::now() - t0).count();
      nlohmann::json j = {{"model", b->dir},
                          {"device", b->device.str()},
                          {"threads", torch::get_num_threads()},
                          {"blas", blasDescription()},
                          {"decode_batch1_ms_p50", percentile(ms, 0.5)},
                          {"decode_batch1_ms_p99", percentile(ms, 0.99)},
                          {"encode_10000_s", encodeS},
                          {"encode_images_per_s", d.count / encodeS}};
      if (o->json) std::cout << j.dump(2) << "\n";
      else
        std::printf("decode batch 1: p50 %.3f ms, p99 %.3f ms\nencode %lld images: %.2f s (%.0f images/s)\n"
                    "device %s, %d threads, BLAS %s\n",
                    percentile(ms, 0.5), percentile(ms, 0.99), (long long)d.count, encodeS, d.count / encodeS,
                    b->device.str().c_str(), torch::get_num_threads(), blasDescription().c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
