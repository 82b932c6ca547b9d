// `latentlab bench` on a diffusion bundle: one denoiser step at batch 1 and 64 (plain and
// with classifier-free guidance, which also runs the null class), a DDIM sample with
// guidance 3 (to the final image), the same run as the GUI does it (every step turned into
// images), and the per-image cost of a guided step across batch sizes, timed in interleaved
// rounds so that a busy machine slows every batch size alike.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "app/cli/cmd_bench.h"
#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/diffusion/guidance.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/kernels/group_norm_silu.h"
#include "engine/kernels/peak_flops.h"
#include "engine/models/unet.h"
#include "engine/models/unet_profile.h"

namespace latentlab::cli {

namespace {

struct StepInputs {
  torch::Tensor x, classes;
};

StepInputs stepInputs(DiffusionModel& model, int64_t batch) {
  std::vector<int64_t> shape = {batch};
  for (auto d : model.sampleShape()) shape.push_back(d);
  StepInputs in;
  in.x = torch::randn(shape).to(model.device());
  if (model.numClasses() > 0) in.classes = torch::full({batch}, int64_t(3), torch::kLong).to(model.device());
  return in;
}

// Median milliseconds of one guidedModelOutput call at `batch`.
double timeStep(DiffusionModel& model, int64_t batch, double guidance, int repeats) {
  auto in = stepInputs(model, batch);
  for (int i = 0; i < 3; ++i) guidedModelOutput(model.denoiser(), in.x, 500.0, in.classes, guidance);
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    guidedModelOutput(model.denoiser(), in.x, 500.0, in.classes, guidance);
    ms.push_back(msSince(t0));
  }
  return percentile(ms, 0.5);
}

UNetLayout layoutNamed(const std::string& name) {
  return name == "first" ? UNetLayout::ChannelsFirst : name == "last" ? UNetLayout::ChannelsLast : UNetLayout::Auto;
}

// Per-image milliseconds of a guided step at each batch size (and each micro-batch size and
// UNet layout asked for): rounds over all of them, each timed for about the same number of
// images per round, medians over the rounds. Ratios are to the first batch size at the
// default cut and layout. Timed in this thread's CPU time (user + system, page faults
// included), so that other processes on a shared machine do not count; with one intra-op
// thread that is the work.
nlohmann::json batchScan(DiffusionModel& model, const std::vector<int>& batches, std::vector<int64_t> chunks,
                         std::vector<std::string> layouts, int rounds) {
  const int64_t defaultChunk = denoiserChunkElements();
  if (chunks.empty()) chunks.push_back(defaultChunk);
  if (layouts.empty()) layouts.push_back("auto");
  struct Variant {
    int64_t chunk;
    std::string layout;
  };
  std::vector<Variant> variants;
  for (auto& l : layouts)
    for (auto c : chunks) variants.push_back({c, l});
  std::vector<std::vector<double>> perImage(batches.size() * variants.size());
  std::vector<StepInputs> inputs;
  for (int b : batches) inputs.push_back(stepInputs(model, b));
  for (auto& v : variants) {  // warm-up: oneDNN primitives, allocator, weight copies
    setUNetInferenceLayout(layoutNamed(v.layout));
    for (size_t k = 0; k < batches.size(); ++k)
      guidedModelOutput(model.denoiser(), inputs[k].x, 500.0, inputs[k].classes, 3.0);
  }
  for (int r = 0; r < rounds; ++r)
    for (size_t vi = 0; vi < variants.size(); ++vi) {
      setDenoiserChunkElements(variants[vi].chunk);
      setUNetInferenceLayout(layoutNamed(variants[vi].layout));
      for (size_t k = 0; k < batches.size(); ++k) {
        const int calls = std::max(1, 64 / batches[k]);
        const double t0 = threadCpuMilliseconds();
        for (int c = 0; c < calls; ++c) guidedModelOutput(model.denoiser(), inputs[k].x, 500.0, inputs[k].classes, 3.0);
        perImage[vi * batches.size() + k].push_back((threadCpuMilliseconds() - t0) / calls / batches[k]);
      }
    }
  setDenoiserChunkElements(defaultChunk);
  setUNetInferenceLayout(UNetLayout::Auto);
  size_t baseVariant = variants.size();  // the default cut, the automatic layout if asked for
  for (size_t vi = 0; vi < variants.size(); ++vi)
    if (variants[vi].chunk == defaultChunk &&
        (baseVariant == variants.size() || (variants[vi].layout == "auto" && variants[baseVariant].layout != "auto")))
      baseVariant = vi;
  const size_t baseIndex = baseVariant == variants.size() ? 0 : baseVariant * batches.size();
  const double base = percentile(perImage[baseIndex], 0.5);
  nlohmann::json scan = nlohmann::json::array();
  for (size_t vi = 0; vi < variants.size(); ++vi)
    for (size_t k = 0; k < batches.size(); ++k) {
      double p = percentile(perImage[vi * batches.size() + k], 0.5);
      scan.push_back({{"batch", batches[k]}, {"chunk_elements", variants[vi].chunk}, {"unet_layout", variants[vi].layout},
                      {"guided_step_cpu_ms_per_image_p50", p}, {"ratio_to_first", p / base}});
    }
  return scan;
}

// Where a guided step's time goes at each batch size (default cut and layout): the UNet's
// convolutions, fused group norms and attention, in this thread's CPU time per image, from
// rounds run with engine/models/unet_profile switched on (medians), against the core's
// measured float32 peak. `ratio_bound_convs_only` is what the scan's ratio would be if
// everything but the convolutions cost nothing: the floor that batching alone cannot go
// under without cheaper convolutions. Empty for a denoiser without a UNet.
nlohmann::json stepProfile(DiffusionModel& model, const std::vector<int>& batches, double batch1Ms, double peakGflops) {
  std::vector<StepInputs> inputs;
  for (int b : batches) inputs.push_back(stepInputs(model, b));
  struct Sums {
    std::vector<double> total, conv, norm, attention, macs;
  };
  std::vector<Sums> sums(batches.size());
  setUNetProfiling(true);
  takeUNetProfile();
  for (int r = 0; r < 3; ++r)
    for (size_t k = 0; k < batches.size(); ++k) {
      const int calls = std::max(1, 64 / batches[k]);
      const double t0 = threadCpuMilliseconds();
      for (int c = 0; c < calls; ++c) guidedModelOutput(model.denoiser(), inputs[k].x, 500.0, inputs[k].classes, 3.0);
      const double per = double(calls) * batches[k];
      const auto p = takeUNetProfile();
      sums[k].total.push_back((threadCpuMilliseconds() - t0) / per);
      sums[k].conv.push_back(p.convMs / per);
      sums[k].norm.push_back(p.normMs / per);
      sums[k].attention.push_back(p.attentionMs / per);
      sums[k].macs.push_back(p.convMultiplyAdds / per);
    }
  setUNetProfiling(false);
  nlohmann::json out = nlohmann::json::array();
  for (size_t k = 0; k < batches.size(); ++k) {
    const double total = percentile(sums[k].total, 0.5), conv = percentile(sums[k].conv, 0.5),
                 norm = percentile(sums[k].norm, 0.5), attention = percentile(sums[k].attention, 0.5),
                 macs = percentile(sums[k].macs, 0.5);
    if (macs <= 0) return nlohmann::json::array();
    const double gflops = 2 * macs / (conv * 1e6);
    out.push_back({{"batch", batches[k]},
                   {"cpu_ms_per_image", total},
                   {"conv_cpu_ms_per_image", conv},
                   {"norm_cpu_ms_per_image", norm},
                   {"attention_cpu_ms_per_image", attention},
                   {"other_cpu_ms_per_image", std::max(0.0, total - conv - norm - attention)},
                   {"conv_multiply_adds_per_image", macs},
                   {"conv_gflops", gflops},
                   {"conv_share_of_peak", gflops / peakGflops},
                   {"ratio_bound_convs_only", conv / batch1Ms}});
  }
  return out;
}

// The core's float32 peak, measured (engine/kernels/peak_flops.h): median of five runs.
double machinePeakGflops() {
  std::vector<double> g;
  for (int i = 0; i < 5; ++i) g.push_back(measurePeakFlops(1 << 24).gflops);
  return percentile(g, 0.5);
}

// The UNet's hand-written group norm + SiLU against the LibTorch operators it replaces (the
// embedding add, group_norm, silu), on a channels-last activation of 16 rows x 64 x 28 x 28
// (the widest one in a micro-batch), interleaved, medians in thread CPU time: the bench line
// for engine/kernels/group_norm_silu.
nlohmann::json kernelLines() {
  auto x = torch::randn({16, 64, 28, 28}).contiguous(at::MemoryFormat::ChannelsLast);
  auto gamma = torch::randn({64}), beta = torch::randn({64}), bias = torch::randn({16, 64});
  std::vector<double> ours, theirs;
  auto timed = [](std::vector<double>& into, auto&& fn) {
    const double t0 = threadCpuMilliseconds();
    for (int i = 0; i < 10; ++i) fn();
    into.push_back((threadCpuMilliseconds() - t0) / 10);
  };
  for (int r = 0; r < 15; ++r) {
    timed(ours, [&] { groupNormSilu(x, 8, gamma, beta, 1e-5, bias); });
    timed(theirs, [&] { torch::silu(torch::group_norm(x + bias.view({16, 64, 1, 1}), 8, gamma, beta, 1e-5)); });
  }
  return {{"group_norm_silu_16x64x28x28_cpu_ms_p50", percentile(ours, 0.5)},
          {"group_norm_silu_libtorch_cpu_ms_p50", percentile(theirs, 0.5)}};
}

}  // namespace

int benchDiffusion(std::shared_ptr<ModelBundle> b, const BenchOptions& o) {
  using Clock = std::chrono::steady_clock;
  DiffusionModel model(b);
  torch::InferenceMode guard;
  const int repeats = std::max(5, o.repeats / 6);
  nlohmann::json j = {{"model", b->dir}, {"kind", b->manifest.kind}, {"device", b->device.str()},
                      {"threads", torch::get_num_threads()}};
  j["step_batch1_ms_p50"] = timeStep(model, 1, 1.0, repeats);
  j["step_batch1_guided_ms_p50"] = timeStep(model, 1, 3.0, repeats);
  j["step_batch64_ms_p50"] = timeStep(model, 64, 1.0, std::max(3, repeats / 8));
  j["step_batch64_guided_ms_p50"] = timeStep(model, 64, 3.0, std::max(3, repeats / 8));

  std::vector<int64_t> shape = {1};
  for (auto d : model.sampleShape()) shape.push_back(d);
  torch::Tensor classes;
  if (model.numClasses() > 0) classes = torch::full({1}, int64_t(3), torch::kLong).to(model.device());
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
    auto out = runDenoise(model.denoiser(), *sampler, noise.draw(shape, torch::TensorOptions().device(model.device())), run);
    model.toImages(out);
    full.push_back(msSince(t0));
  }
  j["ddim50_guided_ms_p50"] = percentile(full, 0.5);
  auto gui = DiffusionSampler::load(o.model, o.engine.device);
  std::vector<double> live;
  for (int r = 0; r < 3; ++r) {
    SampleRequest req;
    req.seed = uint64_t(r);
    req.classIndex = model.numClasses() > 0 ? 3 : -1;
    auto t0 = Clock::now();
    gui->sample(req, [](const SampleFrame&) {});
    live.push_back(msSince(t0));
  }
  j["ddim50_guided_every_step_shown_ms_p50"] = percentile(live, 0.5);
  if (b->manifest.kind == "diffusion") j["kernels_channels_last"] = kernelLines();
  j["machine_peak_gflops"] = machinePeakGflops();
  if (!o.batches.empty()) {
    j["batch_scan"] = batchScan(model, o.batches, o.chunkElements, o.unetLayouts, o.batches.back() >= 256 ? 3 : 5);
    double batch1 = 0;  // the scan's reference: its first batch size, default cut and layout
    for (auto& s : j["batch_scan"])
      if (s["ratio_to_first"].get<double>() == 1.0 && s["batch"] == o.batches[0]) batch1 = s["guided_step_cpu_ms_per_image_p50"];
    auto profile = stepProfile(model, o.batches, batch1, j["machine_peak_gflops"]);
    if (!profile.empty()) j["step_profile"] = profile;
  }

  if (o.python) {
    auto py = runPythonReference(o, b->manifest.kind);
    if (py.contains("error")) j["python_error"] = py["error"];
    else
      addPythonRatios(j, py, {"step_batch1_ms_p50", "step_batch1_guided_ms_p50", "step_batch64_ms_p50",
                              "step_batch64_guided_ms_p50", "ddim50_guided_ms_p50"});
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("one step, batch 1: %.2f ms (with guidance %.2f ms); batch 64: %.2f ms (guided %.2f ms)\n"
              "50-step DDIM, guidance 3: %.0f ms; with every step turned into images (as the GUI shows it): %.0f ms\n",
              j["step_batch1_ms_p50"].get<double>(), j["step_batch1_guided_ms_p50"].get<double>(),
              j["step_batch64_ms_p50"].get<double>(), j["step_batch64_guided_ms_p50"].get<double>(),
              j["ddim50_guided_ms_p50"].get<double>(), j["ddim50_guided_every_step_shown_ms_p50"].get<double>());
  if (j.contains("kernels_channels_last"))
    for (auto& [k, v] : j["kernels_channels_last"].items()) std::printf("kernel %s: %.3f\n", k.c_str(), v.get<double>());
  if (j.contains("batch_scan"))
    for (auto& s : j["batch_scan"])
      std::printf("guided step at batch %4d (micro-batches of %6lld elements, layout %s): %.3f CPU ms per image (%.2fx batch %d)\n",
                  s["batch"].get<int>(), (long long)s["chunk_elements"].get<int64_t>(),
                  s["unet_layout"].get<std::string>().c_str(),
                  s["guided_step_cpu_ms_per_image_p50"].get<double>(), s["ratio_to_first"].get<double>(), o.batches[0]);
  if (j.contains("step_profile")) {
    std::printf("the core's float32 peak (FMA loop, measured): %.0f GFLOP/s\n", j["machine_peak_gflops"].get<double>());
    for (auto& p : j["step_profile"])
      std::printf("batch %4d, CPU ms per image: %.3f = convolutions %.3f (%.0f M multiply-adds, %.0f GFLOP/s, %.0f %% of "
                  "peak) + group norms %.3f + attention %.3f + the rest %.3f; ratio with free non-convolutions: %.2fx\n",
                  p["batch"].get<int>(), p["cpu_ms_per_image"].get<double>(), p["conv_cpu_ms_per_image"].get<double>(),
                  p["conv_multiply_adds_per_image"].get<double>() / 1e6, p["conv_gflops"].get<double>(),
                  100 * p["conv_share_of_peak"].get<double>(), p["norm_cpu_ms_per_image"].get<double>(),
                  p["attention_cpu_ms_per_image"].get<double>(), p["other_cpu_ms_per_image"].get<double>(),
                  p["ratio_bound_convs_only"].get<double>());
  }
  for (auto& [k, v] : j.items())
    if (k.size() > 13 && k.compare(k.size() - 13, 13, "_python_ratio") == 0)
      std::printf("%s: %.2f\n", k.c_str(), v.get<double>());
  if (j.contains("python_error")) std::printf("PyTorch reference not run: %s\n", j["python_error"].get<std::string>().c_str());
  std::printf("device %s, %d threads\n", b->device.str().c_str(), torch::get_num_threads());
  return 0;
}

}  // namespace latentlab::cli
