// `latentlab eval`: measures a model on a data set. Autoencoders: reconstruction MSE, ELBO
// terms and KL per latent dimension. Diffusion and latent-diffusion models: class accuracy
// of conditional samples and the Frechet distance in the bundled classifier's feature
// space (next to the same distance for held-out real images). Classifiers: accuracy.
// Only parses options and formats output: the work is in engine/eval.
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_eval_gan.h"
#include "app/cli/cmd_eval_tokens.h"
#include "app/cli/commands.h"
#include "app/cli/eval_inputs.h"
#include "engine/diffusion/sampler.h"
#include "engine/eval/diffusion_eval.h"
#include "engine/eval/vae_eval.h"
#include "engine/models/gan_bundle.h"
#include "engine/models/model_kinds.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct EvalOptions {
  std::string model, data = "fashion-mnist:test";
  int64_t limit = 0;
  bool json = false;
  EngineOptions engine;
  // Generative models (diffusion, latent-diffusion).
  std::string classifier, reference = "fashion-mnist:train";
  int64_t referenceCount = 0;  // 0 = as many as --count
  DiffusionEvalOptions diffusion;
  SamplingGiven given;  // which sampling options were on the command line
  std::vector<double> truncations = {1.0, 0.7, 0.5};  // GANs: psi values (cmd_eval_gan.h)
  TokenEvalCli tokens;  // vq-autoregressive: sampling settings (cmd_eval_tokens.h)
};

ProgressFn stderrProgress() {
  bool tty = isatty(2);
  auto last = std::make_shared<std::string>();
  return [tty, last](const Progress& p) {
    // Without a terminal, one line per 10% of each phase keeps logs short.
    int64_t tenth = std::max<int64_t>(1, p.steps / 10);
    if (!tty && p.message == *last && p.step % tenth && p.step != p.steps) return;
    *last = p.message;
    std::fprintf(stderr, "%s%s %lld/%lld%s", tty ? "\r" : "", p.message.c_str(), (long long)p.step,
                 (long long)p.steps, tty ? "   " : "\n");
    if (tty && p.step == p.steps) std::fprintf(stderr, "\n");
  };
}

int evalAutoencoder(ModelBundle& b, const EvalOptions& o) {
  DatasetOptions dopts;
  dopts.limit = o.limit;
  Dataset d = openDataset(o.data, dopts);
  VaeEval e = evaluateVae(b, d, o.limit);
  if (o.json) {
    nlohmann::json j = {{"model", b.dir},          {"data", o.data},         {"count", e.count},
                        {"mse_per_pixel", e.msePerPixel}, {"decoder_sigma", e.decoderSigma},
                        {"recon_nll", e.reconNll},  {"kl", e.kl},              {"elbo", e.elbo},
                        {"kl_per_dim", e.klPerDim}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s on %s (%lld images)\n", b.manifest.name.c_str(), o.data.c_str(), (long long)e.count);
  std::printf("reconstruction MSE per pixel  %.5f\n", e.msePerPixel);
  std::printf("ELBO terms (nats per image, decoder sigma %.4f): reconstruction %.2f, KL %.2f, ELBO %.2f\n",
              e.decoderSigma, e.reconNll, e.kl, e.elbo);
  std::printf("KL per latent dimension:");
  for (size_t i = 0; i < e.klPerDim.size(); ++i) std::printf("%s%zu:%.2f", i % 8 ? "  " : "\n  ", i, e.klPerDim[i]);
  std::printf("\n");
  return 0;
}

int evalClassifier(ModelBundle& b, const EvalOptions& o) {
  auto c = loadClassifierBundle(b.dir, b.device);
  DatasetOptions dopts;
  dopts.limit = o.limit;
  Dataset d = openDataset(o.data, dopts);
  if (d.labels.empty()) throw BadInput(o.data + ": a classifier is evaluated on labelled data");
  auto r = classifyDataset(*c, d, stderrProgress());
  if (o.json) {
    std::cout << nlohmann::json({{"model", b.dir}, {"kind", "classifier"}, {"data", o.data}, {"count", d.count},
                                 {"accuracy", r.accuracy}})
                     .dump(2)
              << "\n";
    return 0;
  }
  std::printf("%s on %s (%lld images)\naccuracy  %.4f\n", b.manifest.name.c_str(), o.data.c_str(), (long long)d.count,
              r.accuracy);
  return 0;
}

int evalGan(const EvalOptions& o) {
  GanEvalCli g;
  g.model = o.model, g.data = o.data, g.limit = o.limit, g.classifier = o.classifier, g.reference = o.reference;
  g.referenceCount = o.referenceCount, g.json = o.json, g.engine = o.engine, g.progress = stderrProgress();
  g.eval.count = o.diffusion.count, g.eval.seed = o.diffusion.seed, g.eval.batch = o.diffusion.batch;
  g.eval.truncations = o.truncations;
  return runGanEval(g);
}

int evalTokens(const EvalOptions& o) {
  TokenEvalCli t = o.tokens;
  t.model = o.model, t.data = o.data, t.limit = o.limit, t.classifier = o.classifier, t.reference = o.reference;
  t.referenceCount = o.referenceCount, t.json = o.json, t.engine = o.engine, t.progress = stderrProgress();
  t.count = o.diffusion.count, t.seed = o.diffusion.seed, t.batch = o.diffusion.batch;
  return runTokenEval(t);
}

int evalDiffusion(std::shared_ptr<ModelBundle> b, const EvalOptions& given) {
  EvalOptions o = given;
  applyModelSampling(b->manifest, o.given, o.diffusion.sampler, o.diffusion.steps, o.diffusion.guidance);
  const auto& names = samplerNames();
  if (std::find(names.begin(), names.end(), o.diffusion.sampler) == names.end()) {
    std::string list;
    for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw UsageError("--sampler must be one of: " + list + " (got \"" + o.diffusion.sampler + "\")");
  }
  EvalInputs in = openEvalInputs({o.classifier, o.data, o.reference, o.limit, o.referenceCount, o.diffusion.count}, b->device);
  DiffusionModel model(b);
  DiffusionEval e = evaluateDiffusion(model, *in.classifier, in.test, in.reference, o.diffusion, stderrProgress());

  const Manifest& m = b->manifest;
  if (o.json) {
    nlohmann::json perClass = nlohmann::json::array();
    for (size_t c = 0; c < e.perClassAccuracy.size(); ++c)
      perClass.push_back({{"class", c < m.classes.size() ? m.classes[c] : std::to_string(c)},
                          {"accuracy", e.perClassAccuracy[c]}});
    nlohmann::json j = {
        {"model", b->dir},
        {"kind", m.kind},
        {"classifier", in.classifier->dir},
        {"classifier_test_accuracy", numberOrNull(in.classifierAccuracy)},
        {"sampler", o.diffusion.sampler},
        {"steps", o.diffusion.steps},
        {"eta", o.diffusion.eta},
        {"clipped_model_output", o.diffusion.clippedModelOutput < 0 ? nlohmann::json("model") : nlohmann::json(o.diffusion.clippedModelOutput > 0)},
        {"guidance", o.diffusion.guidance},
        {"seed", o.diffusion.seed},
        {"samples", e.samples},
        {"class_accuracy", e.conditional ? nlohmann::json(e.classAccuracy) : nlohmann::json()},
        {"per_class_accuracy", perClass},
        {"test_data", o.data},
        {"test_count", e.testCount},
        {"reference_data", o.reference},
        {"reference_count", e.referenceCount},
        {"reference_accuracy", numberOrNull(e.referenceAccuracy)},
        {"fd_samples", e.fdSamples},
        {"fd_reference", e.fdReference},
        {"seconds", e.seconds}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s: %lld samples (%s, %d steps, eta %g, guidance %g, seed %llu)\n", m.name.c_str(),
              (long long)e.samples, o.diffusion.sampler.c_str(), o.diffusion.steps, o.diffusion.eta,
              o.diffusion.guidance, (unsigned long long)o.diffusion.seed);
  std::printf("judged by %s (test accuracy %.4f)\n", in.classifier->dir.c_str(), in.classifierAccuracy);
  if (e.conditional) {
    std::printf("class accuracy of samples  %.4f\n  per class:", e.classAccuracy);
    for (size_t c = 0; c < e.perClassAccuracy.size(); ++c)
      std::printf("%s%s %.3f", c % 5 ? ",  " : "\n    ", c < m.classes.size() ? m.classes[c].c_str() : std::to_string(c).c_str(),
                  e.perClassAccuracy[c]);
    std::printf("\n");
  } else {
    std::printf("class accuracy of samples  n/a (unconditional model)\n");
  }
  std::printf("Frechet distance (classifier features) to %s, %lld images:\n", o.data.c_str(), (long long)e.testCount);
  std::string samplesLabel = std::to_string(e.samples) + " samples";
  std::string realLabel = std::to_string(e.referenceCount) + " real images (" + o.reference + ")";
  int width = int(std::max(samplesLabel.size(), realLabel.size()));
  std::printf("  %-*s  %10.4f\n", width, samplesLabel.c_str(), e.fdSamples);
  std::printf("  %-*s  %10.4f\n", width, realLabel.c_str(), e.fdReference);
  std::printf("%.1f s\n", e.seconds);
  return 0;
}

}  // namespace

void addEval(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto o = std::make_shared<EvalOptions>();
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC (diffusion: the set distances are measured to)")->capture_default_str();
  c->add_option("--limit", o->limit, "Only the first N images of --data (0 = all)")->check(CLI::NonNegativeNumber);
  c->add_flag("--json", o->json, "Machine-readable output");
  auto* g = "Diffusion models";
  c->add_option("--classifier", o->classifier, "Classifier bundle (default: the bundled fashion-classifier)")->group(g);
  c->add_option("--count", o->diffusion.count, "Generated samples (a multiple of the classes)")
      ->capture_default_str()->check(CLI::Range(int64_t(2), int64_t(10000000)))->group(g);
  o->given.sampler = c->add_option("--sampler", o->diffusion.sampler, "ddpm, ddim, euler or dpmpp-2m (default: the model's)")
                         ->capture_default_str()->group(g);
  o->given.steps = c->add_option("--steps", o->diffusion.steps, "Sampling steps (default: the model's)")
                       ->capture_default_str()->check(CLI::Range(1, 100000))->group(g);
  c->add_option("--eta", o->diffusion.eta, "DDIM noise (0 = deterministic)")->capture_default_str()->check(
      CLI::Range(0.0, 1.0))->group(g);
  addClippedModelOutputOption(c, o->diffusion.clippedModelOutput)->group(g);
  o->given.guidance = c->add_option("--guidance", o->diffusion.guidance, "Classifier-free guidance scale (1 = none)")
                          ->capture_default_str()->check(CLI::Range(0.0, 100.0))->group(g);
  c->add_option("--seed", o->diffusion.seed, "Random seed of the samples")->capture_default_str()->group(g);
  c->add_option("--batch", o->diffusion.batch, "Samples per batch")->capture_default_str()->check(
      CLI::Range(int64_t(1), int64_t(100000)))->group(g);
  c->add_option("--reference", o->reference, "Real images compared the same way (their first N)")
      ->capture_default_str()->group(g);
  c->add_option("--reference-count", o->referenceCount, "How many real images (0 = as many as --count)")
      ->check(CLI::NonNegativeNumber)->group(g);
  c->add_option("--truncation", o->truncations, "Truncation psi values, z scaled toward 0 (comma separated)")
      ->delimiter(',')->capture_default_str()->group("GANs");
  addTokenEvalOptions(c, o->tokens);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      if (isGanBundle(o->model)) return evalGan(*o);
      if (isTokenBundle(o->model)) return evalTokens(*o);
      auto b = loadModelForCli(o->model, o->engine);
      const std::string& kind = b->manifest.kind;
      if (modelFamily(kind) == ModelFamily::Diffusion) return evalDiffusion(b, *o);
      if (modelFamily(kind) == ModelFamily::Classifier) return evalClassifier(*b, *o);
      return evalAutoencoder(*b, *o);
    };
  });
}

}  // namespace latentlab::cli
