// `latentlab encode`: the latent means of a whole data set as N x latent float32 .npy.
#include <torch/torch.h>

#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/data/npy_tensor.h"
#include "engine/latent/encode.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

void addEncode(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  struct Opts {
    std::string model, data = "fashion-mnist:test", out, labels;
    int64_t limit = 0;
    EngineOptions engine;
  };
  auto o = std::make_shared<Opts>();
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC")->capture_default_str();
  c->add_option("-o,--out", o->out, "Output latents .npy")->required();
  c->add_option("--labels", o->labels, "Also write the labels as int64 .npy");
  c->add_option("--limit", o->limit, "Only the first N images (0 = all)")->check(CLI::NonNegativeNumber);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      auto b = loadModelForCli(o->model, o->engine);
      torch::InferenceMode guard;
      DatasetOptions dopts;
      dopts.limit = o->limit;
      Dataset d = openDataset(o->data, dopts);
      if (!o->labels.empty() && d.labels.empty()) throw BadInput(o->data + ": this data set has no labels to write");
      EncodedSet e = encodeDataset(*b, d);
      writeTensorNpy(o->out, e.mu.flatten(1));
      if (!o->labels.empty())
        writeTensorNpy(o->labels, torch::from_blob(d.labels.data(), {int64_t(d.labels.size())}, torch::kInt64));
      std::printf("wrote %s (%lld x %lld)\n", o->out.c_str(), (long long)e.mu.size(0),
                  (long long)e.mu.flatten(1).size(1));
      return 0;
    };
  });
}

}  // namespace latentlab::cli
