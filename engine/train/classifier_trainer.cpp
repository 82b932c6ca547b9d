#include "engine/train/classifier_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/data/image_tensor.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/bundle.h"
#include "engine/train/epoch_checkpoint.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

// Random shifts by up to one pixel (zero fill), one offset per batch: cheap, and enough to
// stop the small net from memorising exact pixel positions.
torch::Tensor shiftBatch(const torch::Tensor& x, int dy, int dx) {
  if (!dy && !dx) return x;
  auto padded = torch::constant_pad_nd(x, {1, 1, 1, 1}, 0);
  return padded.slice(2, 1 + dy, 1 + dy + x.size(2)).slice(3, 1 + dx, 1 + dx + x.size(3));
}

double measureAccuracy(ConvClassifier& model, const torch::Tensor& x, const torch::Tensor& y,
                       CancelToken cancel) {
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

}  // namespace

ClassifierTrainResult trainClassifier(const ClassifierTrainOptions& o, const ProgressFn& progress,
                                      CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train: an output folder (-o DIR) is required");
  if (o.epochs < 1 || o.batchSize < 1) throw UsageError("train: epochs and batch must be >= 1");
  DatasetOptions dopts;
  dopts.limit = o.limit;
  Dataset data = openDataset(o.dataSpec, dopts);
  DatasetOptions topts;
  topts.limit = o.testLimit;
  Dataset test = openDataset(o.testSpec, topts);
  if (data.labels.empty())
    throw BadInput(o.dataSpec + ": a classifier needs labelled training data");
  if (test.labels.empty()) throw BadInput(o.testSpec + ": the test data has no labels");
  if (test.channels != data.channels || test.height != data.height || test.width != data.width)
    throw BadInput(o.testSpec + ": test images differ in size from the training images");
  int numClasses = int(data.classNames.size());
  for (auto l : data.labels) numClasses = std::max(numClasses, int(l) + 1);
  if (numClasses < 2) throw BadInput(o.dataSpec + ": a classifier needs at least 2 classes");

  torch::manual_seed(o.seed);
  ConvClassifierConfig cfg;
  cfg.imageChannels = data.channels, cfg.imageHeight = data.height, cfg.imageWidth = data.width;
  cfg.numClasses = numClasses, cfg.channels1 = o.channels1, cfg.channels2 = o.channels2,
  cfg.features = o.features;
  if (cfg.imageHeight % 4 || cfg.imageWidth % 4)
    throw BadInput(o.dataSpec + ": image size must be divisible by 4 for conv-classifier");
  ConvClassifier model(cfg);
  torch::optim::Adam optim(model->parameters(), torch::optim::AdamOptions(o.learningRate));

  EpochCheckpoint ck{o.outDir + "/checkpoint"};
  int startEpoch = 0;
  nlohmann::json history = nlohmann::json::array();
  if (o.resume) startEpoch = ck.resume(*model, optim, history);
  fs::create_directories(o.outDir);
  std::ofstream log(o.outDir + "/train_log.csv", startEpoch ? std::ios::app : std::ios::trunc);
  if (!startEpoch) log << "epoch,loss,train_accuracy,test_accuracy,seconds\n";

  torch::Tensor xs = datasetToTensor(data, 0, data.count);
  torch::Tensor ys = torch::tensor(data.labels, torch::kLong);
  torch::Tensor xt = datasetToTensor(test, 0, test.count);
  torch::Tensor yt = torch::tensor(test.labels, torch::kLong);
  const int64_t n = data.count;
  const int64_t batches = (n + o.batchSize - 1) / o.batchSize;
  ClassifierTrainResult res;
  res.epochsDone = startEpoch;
  if (!history.empty()) {
    res.finalLoss = history.back().value("loss", 0.0);
    res.trainAccuracy = history.back().value("train_accuracy", 0.0);
    res.testAccuracy = history.back().value("test_accuracy", 0.0);
  }
  auto writeBundle = [&] {
    Manifest m;
    m.name = o.name.empty() ? "Classifier on " + o.dataSpec : o.name;
    m.kind = "classifier";
    m.image = {data.channels, data.height, data.width, 0.f, 1.f};
    m.classes = data.classNames;
    m.classifier = NetworkSpec{"conv-classifier", {}, "classifier.safetensors", ""};
    m.description =
        "Evaluation tool: judges class-conditional samples and gives the feature space of the "
        "Frechet distance (penultimate layer, " +
        std::to_string(o.features) + "-d).";
    m.training = {{"data", o.dataSpec},
                  {"test_data", o.testSpec},
                  {"train_images", n},
                  {"test_images", test.count},
                  {"epochs", res.epochsDone},
                  {"seed", o.seed},
                  {"batch_size", o.batchSize},
                  {"learning_rate", o.learningRate},
                  {"loss", "cross-entropy, Adam, cosine decay, random 1-pixel shifts"},
                  {"final_train_loss", res.finalLoss},
                  {"final_train_accuracy", res.trainAccuracy},
                  {"test_accuracy", res.testAccuracy},
                  {"command", o.commandLine}};
    saveClassifierBundle(o.outDir, m, model);
  };

  model->train();
  auto t0 = std::chrono::steady_clock::now();
  int64_t stepsDoneThisRun = 0;
  const int64_t stepsThisRun = int64_t(o.epochs - startEpoch) * batches;

  for (int epoch = startEpoch; epoch < o.epochs; ++epoch) {
    // Per-epoch seeding makes a resumed run identical to an uninterrupted one.
    torch::manual_seed(o.seed * 1000003 + uint64_t(epoch));
    double lr = cosineLearningRate(o.learningRate, epoch, o.epochs);
    for (auto& g : optim.param_groups())
      static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    torch::Tensor perm = torch::randperm(n, torch::kInt64);
    torch::Tensor shifts = torch::randint(-1, 2, {batches, 2}, torch::kInt64);
    double sumLoss = 0;
    int64_t hits = 0;
    auto te = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < batches; ++b) {
      cancel.throwIfCancelled();
      auto idx = perm.slice(0, b * o.batchSize, std::min(n, (b + 1) * o.batchSize));
      auto x = shiftBatch(xs.index_select(0, idx), int(shifts[b][0].item<int64_t>()),
                          int(shifts[b][1].item<int64_t>()));
      auto y = ys.index_select(0, idx);
      auto logits = model->forward(x);
      auto loss = torch::nn::functional::cross_entropy(logits, y);
      optim.zero_grad();
      loss.backward();
      optim.step();
      double l = loss.item<double>();
      if (!std::isfinite(l))
        throw BadInput("training diverged (loss is NaN/Inf) at epoch " + std::to_string(epoch + 1));
      sumLoss += l;
      hits += logits.argmax(1).eq(y).sum().item<int64_t>();
      ++stepsDoneThisRun;
      if (progress && (b % 50 == 0 || b + 1 == batches)) {
        double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        Progress p;
        p.epoch = epoch + 1, p.epochs = o.epochs, p.step = b + 1, p.steps = batches;
        p.loss = sumLoss / double(b + 1);
        p.etaSeconds = el / double(stepsDoneThisRun) * double(stepsThisRun - stepsDoneThisRun);
        char msg[64];
        std::snprintf(msg, sizeof msg, "train acc %.4f",
                      double(hits) / double(std::min(n, (b + 1) * o.batchSize)));
        p.message = msg;
        progress(p);
      }
    }
    res.finalLoss = sumLoss / double(batches);
    res.trainAccuracy = double(hits) / double(n);
    res.testAccuracy = measureAccuracy(model, xt, yt, cancel);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count();
    history.push_back({{"epoch", epoch + 1},
                       {"loss", res.finalLoss},
                       {"train_accuracy", res.trainAccuracy},
                       {"test_accuracy", res.testAccuracy}});
    log << epoch + 1 << "," << res.finalLoss << "," << res.trainAccuracy << "," << res.testAccuracy
        << "," << secs << std::endl;
    if (progress) {
      Progress p;
      p.epoch = epoch + 1, p.epochs = o.epochs, p.step = batches, p.steps = batches,
      p.loss = res.finalLoss;
      char msg[64];
      std::snprintf(msg, sizeof msg, "test acc %.4f", res.testAccuracy);
      p.message = msg;
      progress(p);
    }
    ck.save(*model, optim, epoch + 1, history);
    res.epochsDone = epoch + 1;
    writeBundle();
  }

  model->eval();
  writeBundle();
  return res;
}

}  // namespace latentlab
