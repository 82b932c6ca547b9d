// `latentlab info`: what a model bundle is, and what the engine runs on.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/util/device.h"

namespace latentlab::cli {

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
      int64_t params = b->autoencoder ? b->autoencoder->parameterCount() : 0;
      nlohmann::json j = {{"name", m.name},
                          {"kind", m.kind},
                          {"dir", b->dir},
                          {"image", {{"channels", m.image.channels}, {"height", m.image.height},
                                     {"width", m.image.width}, {"range", {m.image.rangeLo, m.image.rangeHi}}}},
                          {"latent_shape", m.latentShape},
                          {"classes", m.classes},
                          {"parameters", params},
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
      std::printf("latent      %s\nclasses     %zu\nparameters  %lld\ndevice      %s\nthreads     %d\nblas        %s\n",
                  latent.c_str(), m.classes.size(), (long long)params, b->device.str().c_str(),
                  torch::get_num_threads(), blasDescription().c_str());
      if (m.training.is_object() && m.training.contains("command"))
        std::printf("trained by  %s\n", m.training["command"].get<std::string>().c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
