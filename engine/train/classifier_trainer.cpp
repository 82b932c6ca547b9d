#include "engine/train/classifier_trainer.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/models/conv_classifier.h"
#include "engine/train/trainer_loop.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

// Random shifts by up to one pixel (zero fill), one offset per batch: cheap, and enough to
// stop the small net from memorising exact pixel positions.
torch::Tensor shiftBatch(const torch::Tensor& x, int dy, int dx) {
  if (!dy && !dx) return x;
  auto padded = torch::constant_pad_nd(x, {1, 1, 1, 1}, 0);
  return padded.slice(2, 1 + dy, 1 + dy + x.size(2)).slice(3, 1 + dx, 1 + dx + x.size(3));
}

double measureAccuracy(ConvClassifier& model, const torch::Tensor& x, const torch::Tensor& y, CancelToken cancel) {
  torch::NoGradGuard noGrad;
  model->eval();
  int64_t hits = 0;
  for (int64_t i = 0; i < x.size(0); i += 1000) {
    cancel.throwIfCancelled();
    int64_t end = std::min(x.size(0), i + 1000);
    auto logits = model->forward(x.slice(0, i, end));
    hits += logits.argmax(1).eq(y.slice(0, i, end)).sum().item<int64_t>();
  }
  model->train();
  return x.size(0) ? double(hits) / double(x.size(0)) : 0.0;
}

class ClassifierHooks : public TrainerHooks {
 public:
  ClassifierHooks(const ClassifierTrainOptions& o, const Dataset& data, const Dataset& test, ConvClassifier model,
                  torch::optim::Adam& optim)
      : m_o(o), m_data(data), m_test(test), m_model(model), m_optim(optim),
        m_xs(datasetToTensor(data, 0, data.count)), m_ys(torch::tensor(data.labels, torch::kLong)),
        m_xt(datasetToTensor(test, 0, test.count)), m_yt(torch::tensor(test.labels, torch::kLong)),
        m_batches((data.count + o.batchSize - 1) / o.batchSize) {}

  void beginEpoch(int epoch) override {
    // Per-epoch seeding makes a resumed run identical to an uninterrupted one.
    torch::manual_seed(m_o.seed * 1000003 + uint64_t(epoch));
    setLearningRate(m_optim, cosineLearningRate(m_o.learningRate, epoch, m_o.epochs));
    m_perm = torch::randperm(m_data.count, torch::kInt64);
    m_shifts = torch::randint(-1, 2, {m_batches, 2}, torch::kInt64);
  }

  std::vector<double> trainBatch(int, int64_t b, int64_t) override {
    const int64_t n = m_data.count;
    auto idx = m_perm.slice(0, b * m_o.batchSize, std::min(n, (b + 1) * m_o.batchSize));
    auto x = shiftBatch(m_xs.index_select(0, idx), int(m_shifts[b][0].item<int64_t>()),
                        int(m_shifts[b][1].item<int64_t>()));
    auto y = m_ys.index_select(0, idx);
    auto logits = m_model->forward(x);
    auto loss = torch::nn::functional::cross_entropy(logits, y);
    m_optim.zero_grad();
    loss.backward();
    m_optim.step();
    return {loss.item<double>(), double(logits.argmax(1).eq(y).sum().item<int64_t>())};
  }

  std::vector<double> endEpoch(int, const std::vector<double>& sums, int64_t batches, CancelToken cancel) override {
    return {sums[0] / double(batches), sums[1] / double(m_data.count), measureAccuracy(m_model, m_xt, m_yt, cancel)};
  }

  std::string progressMessage(const std::vector<double>& sums, int64_t done, double) override {
    char msg[64];
    std::snprintf(msg, sizeof msg, "train acc %.4f", sums[1] / double(std::min(m_data.count, done * m_o.batchSize)));
    return msg;
  }

  std::string epochMessage(const std::vector<double>& values) override {
    char msg[64];
    std::snprintf(msg, sizeof msg, "test acc %.4f", values[2]);
    return msg;
  }

  void writeBundle(const TrainPosition& at) override {
    const auto& last = at.history.empty() ? nlohmann::json::object() : at.history.back();
    Manifest m;
    m.name = m_o.name.empty() ? "Classifier on " + m_o.dataSpec : m_o.name;
    m.kind = "classifier";
    m.image = {m_data.channels, m_data.height, m_data.width, 0.f, 1.f};
    m.classes = m_data.classNames;
    m.classifier = NetworkSpec{"conv-classifier", {}, "classifier.safetensors", ""};
    m.description =
        "Evaluation tool: judges class-conditional samples and gives the feature space of the "
        "Frechet distance (penultimate layer, " +
        std::to_string(m_o.features) + "-d).";
    m.training = {{"data", m_o.dataSpec},
                  {"test_data", m_o.testSpec},
                  {"train_images", m_data.count},
                  {"test_images", m_test.count},
                  {"epochs", at.epochsDone},
                  {"seed", m_o.seed},
                  {"batch_size", m_o.batchSize},
                  {"learning_rate", m_o.learningRate},
                  {"loss", "cross-entropy, Adam, cosine decay, random 1-pixel shifts"},
                  {"final_train_loss", last.value("loss", 0.0)},
                  {"final_train_accuracy", last.value("train_accuracy", 0.0)},
                  {"test_accuracy", last.value("test_accuracy", 0.0)},
                  {"command", m_o.commandLine}};
    saveClassifierBundle(m_o.outDir, m, m_model);
  }

 private:
  const ClassifierTrainOptions& m_o;
  const Dataset &m_data, &m_test;
  ConvClassifier m_model;
  torch::optim::Adam& m_optim;
  torch::Tensor m_xs, m_ys, m_xt, m_yt, m_perm, m_shifts;
  int64_t m_batches;
};

}  // namespace

ClassifierTrainResult trainClassifier(const ClassifierTrainOptions& o, const ProgressFn& progress,
                                      CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train classifier: an output folder (-o DIR) is required");
  if (o.epochs < 1 || o.batchSize < 1) throw UsageError("train classifier: epochs and batch must be >= 1");
  Dataset data = openTrainingSet(o.dataSpec, o.limit);
  Dataset test = openTrainingSet(o.testSpec, o.testLimit);
  if (data.labels.empty()) throw BadInput(o.dataSpec + ": a classifier needs labelled training data");
  if (test.labels.empty()) throw BadInput(o.testSpec + ": the test data has no labels");
  if (test.channels != data.channels || test.height != data.height || test.width != data.width)
    throw BadInput(o.testSpec + ": test images differ in size from the training images");
  int numClasses = int(data.classNames.size());
  for (auto l : data.labels) numClasses = std::max(numClasses, int(l) + 1);
  if (numClasses < 2) throw BadInput(o.dataSpec + ": a classifier needs at least 2 classes");

  torch::manual_seed(o.seed);  // the initial weights
  ConvClassifierConfig cfg;
  cfg.imageChannels = data.channels, cfg.imageHeight = data.height, cfg.imageWidth = data.width;
  cfg.numClasses = numClasses, cfg.channels1 = o.channels1, cfg.channels2 = o.channels2, cfg.features = o.features;
  if (cfg.imageHeight % 4 || cfg.imageWidth % 4)
    throw BadInput(o.dataSpec + ": image size must be divisible by 4 for conv-classifier");
  ConvClassifier model(cfg);
  torch::optim::Adam optim(model->parameters(), torch::optim::AdamOptions(o.learningRate));
  model->train();

  TrainerSpec spec;
  spec.command = "train classifier";
  spec.outDir = o.outDir;
  spec.epochs = o.epochs;
  spec.batchesPerEpoch = (data.count + o.batchSize - 1) / o.batchSize;
  spec.resume = o.resume;
  spec.batchMetrics = {"loss", "hits"};
  spec.epochColumns = {"loss", "train_accuracy", "test_accuracy"};
  spec.progressEvery = 50;
  CheckpointParts parts{{{"model", model.ptr().get()}}, {{"optimizer", &optim}}, {{"batch_size", o.batchSize}}};
  ClassifierHooks hooks(o, data, test, model, optim);
  TrainerRun run = runTrainerLoop(spec, parts, hooks, progress, cancel);

  model->eval();
  ClassifierTrainResult res;
  res.epochsDone = run.at.epochsDone;
  res.finalLoss = run.last("loss");
  res.trainAccuracy = run.last("train_accuracy");
  res.testAccuracy = run.last("test_accuracy");
  return res;
}

}  // namespace latentlab
