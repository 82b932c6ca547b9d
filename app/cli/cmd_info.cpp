// `latentlab info`: what a model bundle is, and what the engine runs on.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/gan_bundle.h"
#include "engine/models/model_kinds.h"
#include "engine/util/device.h"

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
  if (family == ModelFamily::Gan) n["generator"] = countParameters(*loadGanBundle(b.dir)->generator);
  return n;
}

}  // namespace

void addInfo(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  struct Opts {
    std::string model;
    bool json = false;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_flag("--json", o->json, "Machine-readable output");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      auto b = loadModelForCli(o->model, o->engine);
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
                          {"networks", networks},
                          {"device", b->device.str()},
                          {"threads", torch::get_num_threads()},
                          {"blas", blasDescription()},
                          {"torch_version", TORCH_VERSION}};
      if (!m.training.is_null()) j["training"] = m.training;
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
      std::printf("latent      %s\nclasses     %zu\nparameters  %lld%s\ndevice      %s\nthreads     %d\nblas        %s\n",
                  latent.c_str(), m.classes.size(), (long long)params, perNetwork.c_str(), b->device.str().c_str(),
                  torch::get_num_threads(), blasDescription().c_str());
      if (m.training.is_object() && m.training.contains("command"))
        std::printf("trained by  %s\n", m.training["command"].get<std::string>().c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
