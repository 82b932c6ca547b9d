#include "engine/train/batch_seed.h"
#include "engine/train/prior_trainer.h"

#include <torch/torch.h>

#include <cstdio>

#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/models/token_prior.h"
#include "engine/models/vq_bundle.h"
#include "engine/train/trainer_loop.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

uint64_t streamSeed(uint64_t seed, int epoch, int64_t batch) {
  return batchSeed(seed ^ 0x7091ull, epoch + 1, batch + 1);
}

// N x (rows*cols) token indices of every image, in raster order.
torch::Tensor tokenise(VqVae& vq, const Dataset& d, CancelToken cancel) {
  torch::NoGradGuard ng;
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < d.count; i += 1000) {
    cancel.throwIfCancelled();
    out.push_back(vq->encode(datasetToTensor(d, i, std::min(d.count, i + 1000))).flatten(1));
  }
  return torch::cat(out);
}

class PriorHooks : public TrainerHooks {
 public:
  PriorHooks(const PriorTrainOptions& o, const VqBundle& vq, TokenPrior prior, torch::optim::AdamW& optim,
             torch::Tensor tokens, torch::Tensor labels, torch::Tensor testTokens, torch::Tensor testLabels,
             int64_t batches)
      : m_o(o), m_vq(vq), m_prior(prior), m_optim(optim), m_tokens(tokens), m_labels(labels), m_testTokens(testTokens),
        m_testLabels(testLabels), m_batches(batches) {
    for (auto& p : m_prior->parameters()) m_parameters += p.numel();
  }

  void beginEpoch(int epoch) override {
    m_epochLr = cosineLearningRate(m_o.learningRate, epoch, m_o.epochs);
    m_perm = torch::randperm(m_tokens.size(0), at::detail::createCPUGenerator(streamSeed(m_o.seed, epoch, -1)),
                             torch::kLong);
  }

  std::vector<double> trainBatch(int epoch, int64_t b, int64_t step) override {
    setLearningRate(m_optim, m_epochLr * std::min(1.0, double(step + 1) / double(std::max(1, m_o.warmupSteps))));
    torch::manual_seed(streamSeed(m_o.seed, epoch, b));  // dropout
    const int64_t n = m_tokens.size(0);
    auto idx = m_perm.slice(0, b * m_o.batchSize, std::min(n, (b + 1) * m_o.batchSize));
    auto t = m_tokens.index_select(0, idx);
    torch::Tensor c;
    if (m_labels.defined()) c = m_labels.index_select(0, idx);
    const int64_t len = t.size(1);
    auto logits = m_prior->forward(c, t.slice(1, 0, len - 1));
    auto loss = torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(2)}), t.reshape({-1}));
    m_optim.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_prior->parameters(), 1.0);
    m_optim.step();
    auto acc = logits.detach().argmax(2).eq(t).to(torch::kDouble).mean().item<double>();
    return {loss.item<double>(), acc};
  }

  std::vector<double> endEpoch(int, const std::vector<double>& sums, int64_t batches, CancelToken cancel) override {
    torch::NoGradGuard ng;
    m_prior->eval();
    double nll = 0;
    const int64_t n = m_testTokens.size(0);
    for (int64_t i = 0; i < n; i += 500) {
      cancel.throwIfCancelled();
      auto t = m_testTokens.slice(0, i, std::min(n, i + 500));
      torch::Tensor c;
      if (m_testLabels.defined()) c = m_testLabels.slice(0, i, std::min(n, i + 500));
      auto logits = m_prior->forward(c, t.slice(1, 0, t.size(1) - 1));
      nll += torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(2)}), t.reshape({-1}),
                                                  torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                 .item<double>();
    }
    m_prior->train();
    const double testLoss = n > 0 ? nll / double(m_testTokens.numel()) : 0.0;
    return {sums[0] / double(batches), sums[1] / double(batches), testLoss};
  }

  std::string progressMessage(const std::vector<double>& sums, int64_t done, double) override {
    char msg[64];
    std::snprintf(msg, sizeof msg, "token acc %.3f", sums[1] / double(done));
    return msg;
  }

  std::string epochMessage(const std::vector<double>& v) override {
    char msg[96];
    std::snprintf(msg, sizeof msg, "test loss %.4f nats/token (%.1f bits/image)", v[2],
                  v[2] * double(m_prior->config().length) / std::log(2.0));
    return msg;
  }

  void writeBundle(const TrainPosition& at) override {
    const auto& last = at.history.empty() ? nlohmann::json::object() : at.history.back();
    Manifest m = m_vq.manifest;
    if (!m_o.name.empty()) m.name = m_o.name;
    else m.name = "VQ-VAE + transformer prior on " + m_o.dataSpec;
    m.numClasses = m_prior->config().numClasses;
    m.prior = NetworkSpec{"token-transformer", m_prior->config().toJson(), "prior.safetensors", ""};
    if (!m.tokenSampling.is_object()) m.tokenSampling = {{"temperature", 1.0}, {"top_k", 0}, {"top_p", 0.95}};
    m.description = "A VQ-VAE's " + std::to_string(m_vq.vq->config().tokensHigh()) + " x " +
                    std::to_string(m_vq.vq->config().tokensWide()) +
                    " token grid sampled one token at a time (raster order) by a class-conditional transformer.";
    nlohmann::json vqTraining = m_vq.manifest.training;
    if (vqTraining.is_object() && vqTraining.contains("vqvae")) vqTraining = vqTraining["vqvae"];
    m.training = {{"vqvae", vqTraining},
                  {"prior",
                   {{"data", m_o.dataSpec},
                    {"vq_bundle", m_o.vqDir},
                    {"epochs", at.epochsDone},
                    {"steps", at.step},
                    {"seed", m_o.seed},
                    {"batch_size", m_o.batchSize},
                    {"learning_rate", m_o.learningRate},
                    {"weight_decay", m_o.weightDecay},
                    {"warmup_steps", m_o.warmupSteps},
                    {"dropout", m_o.dropout},
                    {"loss", "next-token cross-entropy (nats per token), AdamW, warm-up + cosine decay"},
                    {"final_train_loss", last.value("loss", 0.0)},
                    {"final_token_accuracy", last.value("token_accuracy", 0.0)},
                    {"test_loss", last.value("test_loss", 0.0)},
                    {"parameters", m_parameters},
                    {"command", m_o.commandLine}}}};
    std::filesystem::create_directories(m_o.outDir);
    saveModuleWeights(*m_prior, m_o.outDir + "/prior.safetensors");
    VqVae vq = m_vq.vq;  // a holder copy: the same module
    saveVqBundle(m_o.outDir, m, vq);  // VQ weights, then model.json last
  }

  int64_t parameters() const { return m_parameters; }

 private:
  const PriorTrainOptions& m_o;
  const VqBundle& m_vq;
  TokenPrior m_prior;
  torch::optim::AdamW& m_optim;
  torch::Tensor m_tokens, m_labels, m_testTokens, m_testLabels, m_perm;
  int64_t m_batches;
  double m_epochLr = 0;
  int64_t m_parameters = 0;
};

}  // namespace

PriorTrainResult trainPrior(const PriorTrainOptions& o, const ProgressFn& progress, CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train prior: an output folder (-o DIR) is required");
  if (o.vqDir.empty()) throw UsageError("train prior: --vq DIR (a bundle written by train vqvae) is required");
  if (o.epochs < 1 || o.batchSize < 1) throw UsageError("train prior: --epochs and --batch must be >= 1");
  if (!(o.learningRate > 0)) throw UsageError("train prior: --lr must be > 0");
  if (o.dModel % o.heads) throw UsageError("train prior: --d-model must be divisible by --heads");
  auto vq = loadVqBundle(o.vqDir);
  Dataset data = openTrainingSet(o.dataSpec, o.limit);
  Dataset test = openTrainingSet(o.testSpec, o.testLimit);
  const Manifest& vm = vq->manifest;
  for (const Dataset* d : {&data, &test})
    if (d->channels != vm.image.channels || d->height != vm.image.height || d->width != vm.image.width)
      throw BadInput(d->spec + ": images are " + std::to_string(d->channels) + "x" + std::to_string(d->height) + "x" +
                     std::to_string(d->width) + ", the VQ-VAE in " + o.vqDir + " takes " +
                     std::to_string(vm.image.channels) + "x" + std::to_string(vm.image.height) + "x" +
                     std::to_string(vm.image.width));

  if (progress) {
    Progress p;
    p.message = "tokenising " + std::to_string(data.count + test.count) + " images with " + o.vqDir;
    progress(p);
  }
  torch::Tensor tokens = tokenise(vq->vq, data, cancel), testTokens = tokenise(vq->vq, test, cancel);
  torch::Tensor labels, testLabels;
  int numClasses = 0;
  if (!data.labels.empty()) {
    numClasses = int(data.classNames.size());
    for (auto l : data.labels) numClasses = std::max<int>(numClasses, int(l) + 1);
    labels = torch::tensor(data.labels, torch::kLong);
    if (!test.labels.empty()) testLabels = torch::tensor(test.labels, torch::kLong);
    else testTokens = testTokens.slice(0, 0, 0);  // unlabelled test set: not measured
  }

  TokenPriorConfig cfg;
  cfg.vocab = vq->vq->config().codebookSize;
  cfg.length = vq->vq->config().tokenCount();
  cfg.numClasses = numClasses;
  cfg.dModel = o.dModel, cfg.layers = o.layers, cfg.heads = o.heads, cfg.dropout = o.dropout;
  torch::manual_seed(o.seed);
  TokenPrior prior(cfg);
  prior->train();
  torch::optim::AdamW optim(prior->parameters(),
                            torch::optim::AdamWOptions(o.learningRate).betas({0.9, 0.95}).weight_decay(o.weightDecay));

  TrainerSpec spec;
  spec.command = "train prior";
  spec.outDir = o.outDir;
  spec.epochs = o.epochs;
  spec.batchesPerEpoch = (data.count + o.batchSize - 1) / o.batchSize;
  spec.resume = o.resume;
  spec.batchMetrics = {"loss", "token_accuracy"};
  spec.epochColumns = {"loss", "token_accuracy", "test_loss"};
  spec.progressEvery = 20;
  spec.maxBatches = o.maxBatches;
  CheckpointParts parts{{{"model", prior.ptr().get()}},
                        {{"optimizer", &optim}},
                        {{"batch_size", o.batchSize}, {"seed", o.seed}, {"d_model", o.dModel}, {"layers", o.layers}}};
  PriorHooks hooks(o, *vq, prior, optim, tokens, labels, testTokens, testLabels, spec.batchesPerEpoch);
  TrainerRun run = runTrainerLoop(spec, parts, hooks, progress, cancel);
  prior->eval();
  PriorTrainResult r;
  r.epochsDone = run.at.epochsDone;
  r.loss = run.last("loss"), r.testLoss = run.last("test_loss");
  r.parameters = hooks.parameters();
  return r;
}

}  // namespace latentlab
