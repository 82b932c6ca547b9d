// `latentlab probe FILE [--image CxHxW] [--json]`: opens a user's TorchScript model (a .pt
// file or a bundle folder naming one) in a child process with memory and time limits
// (app/model_probe.h) and prints what it found: kind, image and latent shapes, parameters,
// time per call; or why it was refused (exit 3, one line). With --in-process it is that child:
// it loads and probes here, and must never be what a user runs on an untrusted file.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/model_probe.h"
#include "engine/models/bundle.h"
#include "engine/models/gan_bundle.h"
#include "engine/models/model_kinds.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

// Milliseconds per call of the model's main use on one input (median of 5).
double msPerCall(ModelBundle& b, GanBundle* gan) {
  torch::InferenceMode guard;
  const Manifest& m = b.manifest;
  std::function<void()> call;
  if (b.autoencoder && m.kind == "autoencoder") {
    std::vector<int64_t> shape{1};
    shape.insert(shape.end(), m.latentShape.begin(), m.latentShape.end());
    auto z = torch::zeros(shape);
    call = [&b, z] { b.autoencoder->decode(z); };
  } else if (b.denoiser) {
    std::vector<int64_t> shape{1};
    if (m.kind == "latent-diffusion") shape.insert(shape.end(), m.latentShape.begin(), m.latentShape.end());
    else shape.insert(shape.end(), {m.image.channels, m.image.height, m.image.width});
    auto x = torch::zeros(shape);
    auto t = torch::full({1}, 500.f);
    call = [&b, x, t] { b.denoiser->forward(x, t, torch::Tensor()); };
  } else if (gan) {
    auto z = torch::zeros({1, int64_t(gan->latentDim())});
    auto cls = gan->numClasses() > 0 ? torch::zeros({1}, torch::kLong) : torch::Tensor();
    call = [gan, z, cls] { gan->generate(z, cls, 1.0); };
  } else {
    return -1;
  }
  std::vector<double> ms;
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    call();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[2];
}

nlohmann::json probeHere(const std::string& path, const std::string& image) {
  ModelOpenOptions open;
  if (!image.empty()) open.image = parseImageShape(image);
  setEngineThreads(1);
  auto b = loadBundle(path, torch::kCPU, open);
  const Manifest& m = b->manifest;
  int64_t params = 0;
  if (b->autoencoder) params += b->autoencoder->parameterCount();
  if (b->denoiser) params += b->denoiser->parameterCount();
  // A generator is not one of the bundle's networks: it loads (and is checked) as a GAN bundle.
  std::shared_ptr<GanBundle> gan;
  if (modelFamily(m.kind) == ModelFamily::Gan) gan = loadGanBundle(path, torch::kCPU);
  if (gan) params += gan->parameterCount();
  return {{"path", path},
          {"kind", m.kind},
          {"name", m.name},
          {"image", {{"channels", m.image.channels}, {"height", m.image.height}, {"width", m.image.width},
                     {"range", {m.image.rangeLo, m.image.rangeHi}}}},
          {"latent_shape", m.latentShape},
          {"parameters", params},
          {"buffer_values", bufferValues(*b)},
          {"ms_per_call", msPerCall(*b, gan.get())},
          {"notes", b->notes}};
}

}  // namespace

void addProbe(CLI::App& cmd, Action& action) {
  struct Opts {
    std::string path, image;
    bool json = false, inProcess = false;
    ProbeLimits limits;
    double memoryGiB = 8;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("file", o->path, "TorchScript .pt file or bundle folder")->required();
  cmd.add_option("--image", o->image, "CxHxW of a bare .pt without metadata, e.g. 3x32x32");
  cmd.add_flag("--json", o->json, "Machine-readable output");
  cmd.add_flag("--in-process", o->inProcess, "Load here (the probe's child process; not for untrusted files)");
  cmd.add_option("--time-limit", o->limits.seconds, "Seconds the child may take to load and run the model")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  cmd.add_option("--memory-limit", o->memoryGiB, "GiB of address space the child may use (LibTorch maps about 1)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1024.0));
  cmd.callback([&action, o] {
    action = [o] {
      nlohmann::json r;
      if (o->inProcess) {
        r = probeHere(o->path, o->image);
      } else {
        o->limits.memoryBytes = uint64_t(o->memoryGiB * double(uint64_t(1) << 30));
        ProbeOutcome p = runModelProbe(o->path, o->image, o->limits);
        if (!p.ran) r = probeHere(o->path, o->image);  // no executable to isolate with
        else if (!p.ok) throw BadInput(p.message);
        else r = p.report;
      }
      if (o->json) {
        std::cout << r.dump(2) << "\n";
        return 0;
      }
      std::string latent;
      for (auto& d : r["latent_shape"]) latent += (latent.empty() ? "" : " x ") + std::to_string(d.get<int64_t>());
      std::printf("file        %s\nkind        %s\nimage       %d x %d x %d (C x H x W)\nlatent      %s\n"
                  "parameters  %lld\ntime        %.2f ms per call (batch 1, one thread)\n",
                  o->path.c_str(), r["kind"].get<std::string>().c_str(), r["image"]["channels"].get<int>(),
                  r["image"]["height"].get<int>(), r["image"]["width"].get<int>(), latent.c_str(),
                  (long long)r["parameters"].get<int64_t>(), r["ms_per_call"].get<double>());
      if (r.value("buffer_values", int64_t(0)) > 0)
        std::printf("buffers     %lld values (weights the module keeps in buffers, not parameters)\n",
                    (long long)r["buffer_values"].get<int64_t>());
      for (auto& n : r["notes"]) std::printf("note        %s\n", n.get<std::string>().c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
