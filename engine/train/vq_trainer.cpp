#include "engine/train/batch_seed.h"
#include "engine/train/vq_trainer.h"

#include <torch/torch.h>

#include <cstdio>

#include "engine/data/image_tensor.h"
#include "engine/models/vq_bundle.h"
#include "engine/train/trainer_loop.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

at::Generator seeded(uint64_t seed, int epoch, int64_t batch) {
  return at::detail::createCPUGenerator(batchSeed(seed, epoch + 1, batch + 1));
}

struct TestMeasure {
  double mse = 0, perplexity = 0;
  int64_t codesUsed = 0;
};

TestMeasure measureTest(VqVae& model, const torch::Tensor& x, CancelToken cancel) {
  torch::NoGradGuard ng;
  model->eval();
  double se = 0;
  std::vector<torch::Tensor> all;
  for (int64_t i = 0; i < x.size(0); i += 500) {
    cancel.throwIfCancelled();
    auto xb = x.slice(0, i, std::min(x.size(0), i + 500));
    auto idx = model->encode(xb);
    se += (model->decode(idx) - xb).pow(2).sum().item<double>();
    all.push_back(idx.flatten());
  }
  model->train();
  TestMeasure t;
  if (x.size(0) == 0) return t;
  auto idx = torch::cat(all);
  t.mse = se / double(x.numel());
  const int k = model->config().codebookSize;
  t.perplexity = codebookPerplexity(idx, k);
  t.codesUsed = torch::bincount(idx, {}, k).gt(0).sum().item<int64_t>();
  return t;
}

class VqHooks : public TrainerHooks {
 public:
  VqHooks(const VqTrainOptions& o, const Dataset& data, const Dataset& test, VqVae model, torch::optim::Adam& optim,
          int64_t batches)
      : m_o(o), m_data(data), m_model(model), m_optim(optim), m_xs(datasetToTensor(data, 0, data.count)),
        m_xt(datasetToTensor(test, 0, test.count)), m_batches(batches) {
    for (auto& p : m_model->parameters()) m_parameters += p.numel();
  }

  void beginEpoch(int epoch) override {
    setLearningRate(m_optim, cosineLearningRate(m_o.learningRate, epoch, m_o.epochs));
    m_perm = torch::randperm(m_data.count, seeded(m_o.seed, epoch, -1), torch::kLong);
  }

  std::vector<double> trainBatch(int epoch, int64_t b, int64_t) override {
    auto rng = seeded(m_o.seed, epoch, b);
    const int64_t n = m_data.count;
    auto idx = m_perm.slice(0, b * m_o.batchSize, std::min(n, (b + 1) * m_o.batchSize));
    auto x = m_xs.index_select(0, idx);
    auto ze = m_model->encodeContinuous(x);
    const int64_t bn = ze.size(0), d = ze.size(1), h = ze.size(2), w = ze.size(3);
    auto flat = ze.permute({0, 2, 3, 1}).reshape({bn * h * w, d});
    auto& vq = m_model->quantizer();
    if (!vq->initialized()) vq->kmeansInit(flat, 10, rng);
    auto codes = vq->nearest(flat.detach());
    auto zq = vq->lookup(codes);
    auto commitment = torch::mse_loss(flat, zq.detach());
    auto st = flat + (zq - flat).detach();  // straight-through: decoder gradients reach the encoder
    auto xr = m_model->decodeCodes(st.view({bn, h, w, d}).permute({0, 3, 1, 2}));
    auto mse = torch::mse_loss(xr, x);
    auto loss = mse + m_o.beta * commitment;
    m_optim.zero_grad();
    loss.backward();
    m_optim.step();
    vq->emaUpdate(flat, codes, m_o.emaDecay);
    int restarted = vq->restartDead(flat, m_o.deadThreshold, rng);
    return {loss.item<double>(), mse.item<double>(), commitment.item<double>(),
            codebookPerplexity(codes, m_model->config().codebookSize), double(restarted)};
  }

  std::vector<double> endEpoch(int, const std::vector<double>& sums, int64_t batches, CancelToken cancel) override {
    std::vector<double> v;
    for (size_t i = 0; i < 4; ++i) v.push_back(sums[i] / double(batches));
    v.push_back(sums[4]);  // restarts: a total
    TestMeasure t = measureTest(m_model, m_xt, cancel);
    v.push_back(t.mse), v.push_back(t.perplexity), v.push_back(double(t.codesUsed));
    return v;
  }

  std::string progressMessage(const std::vector<double>& sums, int64_t done, double) override {
    char msg[96];
    std::snprintf(msg, sizeof msg, "perplexity %.1f  restarts %.0f", sums[3] / double(done), sums[4]);
    return msg;
  }

  std::string epochMessage(const std::vector<double>& v) override {
    char msg[128];
    std::snprintf(msg, sizeof msg, "test mse %.5f  test perplexity %.1f  codes used %.0f/%d", v[5], v[6], v[7],
                  m_model->config().codebookSize);
    return msg;
  }

  void writeBundle(const TrainPosition& at) override {
    const auto& last = at.history.empty() ? nlohmann::json::object() : at.history.back();
    Manifest m;
    m.name = m_o.name.empty() ? "VQ-VAE on " + m_o.dataSpec : m_o.name;
    m.image = {m_data.channels, m_data.height, m_data.width, 0.f, 1.f};
    m.classes = m_data.classNames;
    m.description = "VQ-VAE tokeniser: each image is a " + std::to_string(m_model->config().tokensHigh()) + " x " +
                    std::to_string(m_model->config().tokensWide()) + " grid of indices into a codebook of " +
                    std::to_string(m_model->config().codebookSize) + " codes.";
    m.training = {{"data", m_o.dataSpec},
                  {"test_data", m_o.testSpec},
                  {"epochs", at.epochsDone},
                  {"steps", at.step},
                  {"seed", m_o.seed},
                  {"batch_size", m_o.batchSize},
                  {"learning_rate", m_o.learningRate},
                  {"loss", "MSE + beta * commitment, straight-through; EMA codebook, k-means init, dead-code restarts"},
                  {"beta", m_o.beta},
                  {"ema_decay", m_o.emaDecay},
                  {"dead_threshold", m_o.deadThreshold},
                  {"final_train_mse", last.value("mse", 0.0)},
                  {"final_perplexity", last.value("perplexity", 0.0)},
                  {"test_mse", last.value("test_mse", 0.0)},
                  {"test_perplexity", last.value("test_perplexity", 0.0)},
                  {"test_codes_used", last.value("test_codes_used", 0.0)},
                  {"parameters", m_parameters},
                  {"command", m_o.commandLine}};
    saveVqBundle(m_o.outDir, m, m_model);
  }

  int64_t parameters() const { return m_parameters; }

 private:
  const VqTrainOptions& m_o;
  const Dataset& m_data;
  VqVae m_model;
  torch::optim::Adam& m_optim;
  torch::Tensor m_xs, m_xt, m_perm;
  int64_t m_batches;
  int64_t m_parameters = 0;
};

}  // namespace

VqTrainResult trainVqVae(const VqTrainOptions& o, const ProgressFn& progress, CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train vqvae: an output folder (-o DIR) is required");
  if (o.epochs < 1 || o.batchSize < 1) throw UsageError("train vqvae: --epochs and --batch must be >= 1");
  if (!(o.learningRate > 0)) throw UsageError("train vqvae: --lr must be > 0");
  if (!(o.emaDecay > 0 && o.emaDecay < 1)) throw UsageError("train vqvae: --ema must be in (0, 1)");
  if (o.codebookSize < 2 || o.codebookSize > 65536) throw UsageError("train vqvae: --codebook must be in 2..65536");
  if (o.channels.size() != 2) throw UsageError("train vqvae: --channels takes two sizes");
  Dataset data = openTrainingSet(o.dataSpec, o.limit);
  Dataset test = openTrainingSet(o.testSpec, o.testLimit);
  if (test.channels != data.channels || test.height != data.height || test.width != data.width)
    throw BadInput(o.testSpec + ": test images differ in size from the training images");
  if (data.height % 4 || data.width % 4)
    throw BadInput(o.dataSpec + ": image height and width must be divisible by 4 for the VQ-VAE");

  VqVaeConfig cfg;
  cfg.imageChannels = data.channels, cfg.imageHeight = data.height, cfg.imageWidth = data.width;
  cfg.codebookSize = o.codebookSize, cfg.codeDim = o.codeDim;
  cfg.channels1 = o.channels[0], cfg.channels2 = o.channels[1], cfg.resBlocks = o.resBlocks;
  torch::manual_seed(o.seed);  // the initial weights
  VqVae model(cfg);
  model->train();
  torch::optim::Adam optim(model->parameters(), torch::optim::AdamOptions(o.learningRate));

  TrainerSpec spec;
  spec.command = "train vqvae";
  spec.outDir = o.outDir;
  spec.epochs = o.epochs;
  spec.batchesPerEpoch = (data.count + o.batchSize - 1) / o.batchSize;
  spec.resume = o.resume;
  spec.batchMetrics = {"loss", "mse", "commitment", "perplexity", "restarts"};
  spec.epochColumns = {"loss", "mse", "commitment", "perplexity", "restarts", "test_mse", "test_perplexity",
                       "test_codes_used"};
  spec.progressEvery = 20;
  spec.maxBatches = o.maxBatches;
  CheckpointParts parts{{{"model", model.ptr().get()}},
                        {{"optimizer", &optim}},
                        {{"batch_size", o.batchSize}, {"seed", o.seed}, {"codebook_size", o.codebookSize}}};
  VqHooks hooks(o, data, test, model, optim, spec.batchesPerEpoch);
  TrainerRun run = runTrainerLoop(spec, parts, hooks, progress, cancel);
  model->eval();
  VqTrainResult r;
  r.epochsDone = run.at.epochsDone;
  r.loss = run.last("loss"), r.mse = run.last("mse"), r.perplexity = run.last("perplexity");
  r.testMse = run.last("test_mse"), r.testPerplexity = run.last("test_perplexity");
  r.parameters = hooks.parameters();
  return r;
}

}  // namespace latentlab
