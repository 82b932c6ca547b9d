// `latentlab bench`: quick engine timings on the bundled default model (the full
// benchmark programs and their results table live in bench/).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/latent/encode.h"
#include "engine/util/device.h"

namespace latentlab::cli {

namespace {
double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p * (v.size() - 1) + 0.5))];
}
}  // namespace

void addBench(CLI::App& app, Action& action) {
  auto* c = app.add_subcommand("bench", "Time decode latency and encode throughput");
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
