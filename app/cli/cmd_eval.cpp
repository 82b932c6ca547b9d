// `latentlab eval`: reconstruction MSE, ELBO terms and KL per latent dimension.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/eval/vae_eval.h"

namespace latentlab::cli {

void addEval(CLI::App& app, Action& action) {
  auto* c = app.add_subcommand("eval", "Measure a model on a data set");
  struct Opts {
    std::string model, data = "fashion-mnist:test";
    int64_t limit = 0;
    bool json = false;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC")->capture_default_str();
  c->add_option("--limit", o->limit, "Only the first N images (0 = all)")->check(CLI::NonNegativeNumber);
  c->add_flag("--json", o->json, "Machine-readable output");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      auto b = loadModelForCli(o->model, o->engine);
      DatasetOptions dopts;
      dopts.limit = o->limit;
      Dataset d = openDataset(o->data, dopts);
      VaeEval e = evaluateVae(*b, d, o->limit);
      if (o->json) {
        nlohmann::json j = {{"model", b->dir},          {"data", o->data},         {"count", e.count},
                            {"mse_per_pixel", e.msePerPixel}, {"decoder_sigma", e.decoderSigma},
                            {"recon_nll", e.reconNll},  {"kl", e.kl},              {"elbo", e.elbo},
                            {"kl_per_dim", e.klPerDim}};
        std::cout << j.dump(2) << "\n";
        return 0;
      }
      std::printf("%s on %s (%lld images)\n", b->manifest.name.c_str(), o->data.c_str(), (long long)e.count);
      std::printf("reconstruction MSE per pixel  %.5f\n", e.msePerPixel);
      std::printf("ELBO terms (nats per image, decoder sigma %.4f): reconstruction %.2f, KL %.2f, ELBO %.2f\n",
                  e.decoderSigma, e.reconNll, e.kl, e.elbo);
      std::printf("KL per latent dimension:");
      for (size_t i = 0; i < e.klPerDim.size(); ++i) std::printf("%s%zu:%.2f", i % 8 ? "  " : "\n  ", i, e.klPerDim[i]);
      std::printf("\n");
      return 0;
    };
  });
}

}  // namespace latentlab::cli
