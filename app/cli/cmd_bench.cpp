// `latentlab bench`: quick engine timings on a bundle, each beside the same measurement in
// PyTorch eager (bench/python_reference.py, same weights) with the ratio. Autoencoders:
// decode latency at batch 1 and 64, encoding the test images; diffusion bundles: see
// cmd_bench_diffusion.cpp. The benchmark programs and their results table live in bench/.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/cli/cmd_bench.h"
#include "app/cli/commands.h"
#include "engine/kernels/small_linear.h"
#include "engine/latent/encode.h"
#include "engine/models/model_kinds.h"
#include "engine/util/device.h"

namespace latentlab::cli {

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * (v.size() - 1) + 0.5))];
}
double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

namespace {

std::vector<double> timeDecode(Autoencoder& ae, const torch::Tensor& z, int repeats) {
  for (int i = 0; i < 20; ++i) ae.decode(z);
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto img = ae.decode(z).cpu();
    ms.push_back(msSince(t0));
  }
  return ms;
}

// The conv VAE's big fully connected layer (hidden -> channels2 x H/4 x W/4) at batch 1:
// the engine's kernel, LibTorch's linear, and a STREAM-like read of the same weight bytes
// (a sum with 16 partial sums: the memory system's limit for any kernel that reads them
// once). Random weights of the layer's shape: the time does not depend on the values.
nlohmann::json benchFc(const Manifest& m, int repeats) {
  if (!m.autoencoder || m.autoencoder->builtin != "conv-vae") return {};
  const auto& cfg = m.autoencoder->config;
  const int64_t in = cfg.value("hidden", 512),
                out = int64_t(cfg.value("channels", std::vector<int>{32, 64})[1]) * (m.image.height / 4) * (m.image.width / 4);
  auto w = torch::randn({out, in}) / std::sqrt(double(in));
  auto b = torch::randn({out});
  auto x = torch::randn({1, in});
  volatile float sink = 0;
  auto readAll = [&] {
    const float* p = w.data_ptr<float>();
    float acc[16] = {};
    const int64_t n = w.numel() - w.numel() % 16;
    for (int64_t i = 0; i < n; i += 16)
      for (int k = 0; k < 16; ++k) acc[k] += p[i + k];
    float s = 0;
    for (float a : acc) s += a;
    sink = s;
  };
  std::vector<double> kernel, libtorch, read;
  for (int i = 0; i < 10; ++i) smallLinear(x, w, b), torch::linear(x, w, b), readAll();
  for (int i = 0; i < repeats; ++i) {  // interleaved: a busy moment slows all three alike
    auto t0 = std::chrono::steady_clock::now();
    smallLinear(x, w, b);
    kernel.push_back(msSince(t0));
    t0 = std::chrono::steady_clock::now();
    torch::linear(x, w, b);
    libtorch.push_back(msSince(t0));
    t0 = std::chrono::steady_clock::now();
    readAll();
    read.push_back(msSince(t0));
  }
  const double k = percentile(kernel, 0.5), l = percentile(libtorch, 0.5), r = percentile(read, 0.5);
  const double gb = double(w.numel() * 4) / 1e9;
  return {{"fc_shape", {in, out}},
          {"fc_batch1_ms_p50", k},
          {"fc_batch1_libtorch_ms_p50", l},
          {"fc_weights_read_ms_p50", r},
          {"fc_weights_read_gb_per_s", gb / (r / 1e3)},
          {"fc_batch1_gb_per_s", gb / (k / 1e3)},
          {"fc_batch1_over_read_bound", k / r}};
}

int benchAutoencoder(std::shared_ptr<ModelBundle> b, const BenchOptions& o) {
  torch::InferenceMode guard;
  auto& ae = requireAutoencoder(*b);
  auto ms = timeDecode(ae, torch::randn({1, b->manifest.latentSize()}).to(b->device), o.repeats);
  auto ms64 = timeDecode(ae, torch::randn({64, b->manifest.latentSize()}).to(b->device), std::max(10, o.repeats / 10));
  Dataset d = openDataset("fashion-mnist:test");
  const int64_t count = std::min<int64_t>(o.encodeCount, d.count);
  auto t0 = std::chrono::steady_clock::now();
  encodeDataset(*b, d, count);
  const double encodeS = msSince(t0) / 1000.0;
  nlohmann::json j = {{"model", b->dir},
                      {"device", b->device.str()},
                      {"threads", torch::get_num_threads()},
                      {"blas", blasDescription()},
                      {"decode_batch1_ms_p50", percentile(ms, 0.5)},
                      {"decode_batch1_ms_p99", percentile(ms, 0.99)},
                      {"decode_batch64_ms_p50", percentile(ms64, 0.5)},
                      {"encode_images", count},
                      // Scaled to 10,000 images when --encode-count asked for fewer.
                      {"encode_10000_s", encodeS * 10000.0 / double(count)},
                      {"encode_images_per_s", double(count) / encodeS}};
  j.update(benchFc(b->manifest, std::max(10, o.repeats / 3)));
  if (o.python) {
    auto py = runPythonReference(o, "autoencoder");
    if (py.contains("error")) j["python_error"] = py["error"];
    else addPythonRatios(j, py, {"decode_batch1_ms_p50", "decode_batch1_ms_p99", "decode_batch64_ms_p50", "encode_10000_s"});
  }
  if (o.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("decode batch 1: p50 %.3f ms, p99 %.3f ms; batch 64: p50 %.3f ms\nencode %lld images: %.2f s (%.0f images/s)\n",
              percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms64, 0.5), (long long)count, encodeS,
              double(count) / encodeS);
  if (j.contains("fc_batch1_ms_p50"))
    std::printf("FC %s at batch 1: %.3f ms (%.1f GB/s of weights; LibTorch's linear %.3f ms); reading the same bytes: "
                "%.3f ms (%.1f GB/s): %.2fx the read bound\n",
                j["fc_shape"].dump().c_str(), j["fc_batch1_ms_p50"].get<double>(), j["fc_batch1_gb_per_s"].get<double>(),
                j["fc_batch1_libtorch_ms_p50"].get<double>(), j["fc_weights_read_ms_p50"].get<double>(),
                j["fc_weights_read_gb_per_s"].get<double>(), j["fc_batch1_over_read_bound"].get<double>());
  for (auto& [k, v] : j.items())
    if (k.size() > 13 && k.compare(k.size() - 13, 13, "_python_ratio") == 0)
      std::printf("%s: %.2f (PyTorch eager time / ours)\n", k.c_str(), v.get<double>());
  if (j.contains("python_error")) std::printf("PyTorch reference not run: %s\n", j["python_error"].get<std::string>().c_str());
  std::printf("device %s, %d threads, BLAS %s\n", b->device.str().c_str(), torch::get_num_threads(),
              blasDescription().c_str());
  return 0;
}

}  // namespace

void addBench(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto o = std::make_shared<BenchOptions>();
  o->model = std::string(LATENTLAB_SOURCE_DIR) + "/assets/models/fashion-vae-16";
  c->add_option("--model", o->model, "Model bundle folder")->capture_default_str();
  c->add_option("--repeats", o->repeats, "Decode repetitions (diffusion: 6x the step repetitions)")
      ->capture_default_str()->check(CLI::Range(10, 100000));
  c->add_option("--encode-count", o->encodeCount, "Test images to encode (the time is reported per 10,000)")
      ->capture_default_str()->check(CLI::Range(1, 10000));
  c->add_option("--batches", o->batches, "Diffusion: per-image cost of a guided step at these batch sizes, e.g. 1,16,64,256")
      ->delimiter(',')->check(CLI::Range(1, 4096));
  c->add_option("--chunk-elements", o->chunkElements,
                "Diffusion scan: compare these CPU micro-batch sizes (sample elements per denoiser call; 0 = uncut)")
      ->delimiter(',');
  c->add_option("--unet-layouts", o->unetLayouts,
                "Diffusion scan: compare these UNet inference layouts (auto, first = channels-first, last = channels-last)")
      ->delimiter(',')->check(CLI::IsMember({"auto", "first", "last"}));
  c->add_flag("!--no-python", o->python, "Leave out the PyTorch eager side-by-side (bench/python_reference.py)");
  c->add_flag("--json", o->json, "Machine-readable output");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      auto b = loadModelForCli(o->model, o->engine);
      if (isDiffusionKind(b->manifest.kind)) return benchDiffusion(b, *o);
      return benchAutoencoder(b, *o);
    };
  });
}

}  // namespace latentlab::cli
