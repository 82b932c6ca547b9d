// `latentlab info`: what a model bundle (or one TorchScript .pt file) is, and what the engine
// runs on. A bare .pt without metadata opens with --image CxHxW; what was assumed is printed.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/model_probe.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/gan_bundle.h"
#include "engine/data/safetensors.h"
#include "engine/models/model_kinds.h"
#include "engine/tokens/token_model.h"
#include "engine/models/torchscript_model.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

int64_t countParameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (auto& p : m.parameters()) n += p.numel();
  return n;
}

// Parameters of each network the bundle runs: {"denoiser": n, "autoencoder": n, ...}.
nlohmann::json networkParameters(const ModelBundle& b) {
  nlohmann::json n = nlohmann::json::object();
  if (b.autoencoder) n["autoencoder"] = b.autoencoder->parameterCount();
  if (b.denoiser) n["denoiser"] = b.denoiser->parameterCount();
  ModelFamily family = modelFamily(b.manifest.kind);
  if (family == ModelFamily::Classifier) n["classifier"] = countParameters(*loadClassifierBundle(b.dir)->model);
  if (family == ModelFamily::Tokens) {
    // The VQ-VAE and the prior load through TokenModel (which checks them); count their weights.
    (void)TokenModel::open(b.dir);
    auto count = [&](const NetworkSpec& spec) {
      int64_t c = 0;
      for (auto& [name, t] : readSafetensors(b.dir + "/" + spec.weights)) c += t.numel();
      return c;
    };
    if (b.manifest.autoencoder) n["vq-vae"] = count(*b.manifest.autoencoder);
    if (b.manifest.prior) n["prior"] = count(*b.manifest.prior);
  }
  if (family == ModelFamily::Gan)
    n["generator"] = loadGanBundle(b.dir)->parameterCount();
  return n;
}

}  // namespace

void addInfo(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  struct Opts {
    std::string model, image;
    bool json = false;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  c->add_option("--model", o->model, "Model bundle folder or TorchScript .pt file")->required();
  c->add_option("--image", o->image, "CxHxW of a bare .pt without metadata, e.g. 3x32x32");
  c->add_flag("--json", o->json, "Machine-readable output");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      ModelOpenOptions open;
      if (!o->image.empty()) {
        try {
          open.image = parseImageShape(o->image);
        } catch (const BadInput& e) {
          throw UsageError(e.what());  // a malformed option is a usage error (exit 2)
        }
      }
      // TorchScript is code: its first load runs in a child process with limits (app/model_probe.h).
      if (holdsTorchScript(o->model)) {
        ProbeOutcome p = runModelProbe(o->model, o->image);
        if (p.ran && !p.ok) throw BadInput(p.message);
      }
      setEngineThreads(o->engine.threads > 0 ? o->engine.threads : defaultEngineThreads());
      auto b = loadBundle(o->model, pickDevice(o->engine.device), open);
      const Manifest& m = b->manifest;
      // "parameters": the weights this bundle holds; a latent diffusion model's autoencoder
      // lives in its own bundle, so it is listed under "networks" only.
      nlohmann::json networks = networkParameters(*b);
      int64_t params = 0;
      for (auto& [name, count] : networks.items())
        if (name != "autoencoder" || m.autoencoderBundle.empty()) params += count.get<int64_t>();
      nlohmann::json j = {{"name", m.name},
                          {"kind", m.kind},
                          {"dir", b->dir},
                          {"image", {{"channels", m.image.channels}, {"height", m.image.height},
                                     {"width", m.image.width}, {"range", {m.image.rangeLo, m.image.rangeHi}}}},
                          {"latent_shape", m.latentShape},
                          {"classes", m.classes},
                          {"parameters", params},
                          {"buffer_values", bufferValues(*b)},
                          {"networks", networks},
                          {"device", b->device.str()},
                          {"threads", torch::get_num_threads()},
                          {"blas", blasDescription()},
                          {"torch_version", TORCH_VERSION}};
      if (!m.training.is_null()) j["training"] = m.training;
      if (!b->notes.empty()) j["notes"] = b->notes;
      if (o->json) {
        std::cout << j.dump(2) << "\n";
        return 0;
      }
      std::string latent;
      for (auto d : m.latentShape) latent += (latent.empty() ? "" : " x ") + std::to_string(d);
      std::printf("name        %s\nkind        %s\nimage       %d x %d x %d (C x H x W), range [%g, %g]\n",
                  m.name.c_str(), m.kind.c_str(), m.image.channels, m.image.height, m.image.width, m.image.rangeLo,
                  m.image.rangeHi);
      std::string perNetwork;
      for (auto& [name, count] : networks.items())
        perNetwork += (perNetwork.empty() ? " (" : ", ") + name + " " + std::to_string(count.get<int64_t>());
      if (!perNetwork.empty()) perNetwork += m.autoencoderBundle.empty() ? ")" : "; the autoencoder is its own bundle)";
      // A conditional model without class names still takes its classes, by index.
      const size_t classCount = std::max(m.classes.size(), size_t(std::max(m.numClasses, 0)));
      const std::string unnamed = m.classes.empty() && classCount > 0 ? " (unnamed: --class takes their index)" : "";
      std::printf("latent      %s\nclasses     %zu%s\nparameters  %lld%s\ndevice      %s\nthreads     %d\nblas        %s\n",
                  latent.c_str(), classCount, unnamed.c_str(), (long long)params, perNetwork.c_str(),
                  b->device.str().c_str(), torch::get_num_threads(), blasDescription().c_str());
      if (int64_t buffers = bufferValues(*b); buffers > 0)
        std::printf("buffers     %lld values (weights the module keeps in buffers, not parameters)\n", (long long)buffers);
      if (m.training.is_object() && m.training.contains("command"))
        std::printf("trained by  %s\n", m.training["command"].get<std::string>().c_str());
      for (const auto& note : b->notes) std::printf("note        %s\n", note.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
