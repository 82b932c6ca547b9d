#include "engine/train/trainer_loop.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace latentlab {

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// train_log.csv is written from the history, so a resumed run lists every epoch once.
void writeLog(const TrainerSpec& spec, const nlohmann::json& history) {
  std::vector<std::string> cols = spec.epochColumns;
  cols.push_back("seconds");
  cols.push_back("seconds_per_batch");
  std::ostringstream os;
  os << "epoch";
  for (auto& c : cols) os << "," << c;
  os << "\n";
  for (auto& row : history) {
    os << row.value("epoch", 0);
    for (auto& c : cols) {
      os << ",";
      if (row.contains(c) && row[c].is_number()) os << row[c].get<double>();
    }
    os << "\n";
  }
  writeFileAtomic(spec.outDir + "/train_log.csv", os.str());
}

int metricIndex(const TrainerSpec& spec, const char* name) {
  for (size_t i = 0; i < spec.batchMetrics.size(); ++i)
    if (spec.batchMetrics[i] == name) return int(i);
  return -1;
}

}  // namespace

std::vector<double> TrainerHooks::endEpoch(int, const std::vector<double>& sums, int64_t batches, CancelToken) {
  std::vector<double> means;
  for (double s : sums) means.push_back(s / double(batches));
  return means;
}

double TrainerRun::last(const std::string& column) const {
  return at.history.empty() ? 0.0 : at.history.back().value(column, 0.0);
}

double TrainerRun::first(const std::string& column) const {
  return at.history.empty() ? 0.0 : at.history.front().value(column, 0.0);
}

TrainerRun runTrainerLoop(const TrainerSpec& spec, const CheckpointParts& parts, TrainerHooks& hooks,
                          const ProgressFn& progress, CancelToken cancel) {
  if (spec.outDir.empty()) throw UsageError(spec.command + ": an output folder (-o DIR) is required");
  if (spec.epochs < 1) throw UsageError(spec.command + ": --epochs must be >= 1");
  if (spec.batchesPerEpoch < 1) throw BadInput(spec.command + ": the training set gives no batches");
  if (spec.batchMetrics.empty() || spec.epochColumns.empty())
    throw std::logic_error(spec.command + ": the trainer names no metrics");
  const int64_t batches = spec.batchesPerEpoch;
  const size_t nMetrics = spec.batchMetrics.size();

  EpochCheckpoint ck(spec.outDir + "/checkpoint");
  TrainerRun run;
  TrainPosition& at = run.at;
  if (spec.resume && ck.load(parts, at, spec.command + " --resume")) {
    if (at.batchesPerEpoch > 0 && at.batchesPerEpoch != batches)
      throw UsageError(spec.command + " --resume: the checkpoint in " + ck.dir() + " has " +
                       std::to_string(at.batchesPerEpoch) + " batches per epoch, this run " + std::to_string(batches) +
                       " (another --limit or data set?)");
    if (at.step < 0) at.step = int64_t(at.epochsDone) * batches + at.batch;
    if (at.batch == 0 || at.sums.size() != nMetrics) at.sums.assign(nMetrics, 0.0);
  } else {
    at.sums.assign(nMetrics, 0.0);
  }
  at.batchesPerEpoch = batches;
  fs::create_directories(spec.outDir);
  writeLog(spec, at.history);

  const int mseAt = metricIndex(spec, "mse"), klAt = metricIndex(spec, "kl");
  const int64_t remaining = int64_t(spec.epochs) * batches - (int64_t(at.epochsDone) * batches + at.batch);
  const auto runStart = Clock::now();
  auto lastCheckpoint = Clock::now();
  int epochsThisRun = 0;

  while (at.epochsDone < spec.epochs) {
    const int epoch = at.epochsDone;
    hooks.beginEpoch(epoch);
    const auto epochStart = Clock::now();
    const int64_t firstBatch = at.batch;
    for (; at.batch < batches; ++at.batch) {
      cancel.throwIfCancelled();
      if (spec.maxBatches > 0 && run.batchesThisRun >= spec.maxBatches) {
        run.stopped = true;
        break;
      }
      std::vector<double> v = hooks.trainBatch(epoch, at.batch, at.step);
      if (v.size() != nMetrics) throw std::logic_error(spec.command + ": trainBatch returned the wrong metric count");
      for (size_t i = 0; i < nMetrics; ++i) {
        if (!std::isfinite(v[i]))
          throw BadInput("training diverged (" + spec.batchMetrics[i] + " is NaN/Inf) at epoch " +
                         std::to_string(epoch + 1) + ", batch " + std::to_string(at.batch + 1) +
                         "; try a lower --lr");
        at.sums[i] += v[i];
      }
      ++at.step, ++run.batchesThisRun;
      run.secondsPerBatch = secondsSince(runStart) / double(run.batchesThisRun);
      if (progress && (at.batch % spec.progressEvery == 0 || at.batch + 1 == batches)) {
        const double k = double(at.batch + 1);
        Progress p;
        p.epoch = epoch + 1, p.epochs = spec.epochs, p.step = at.batch + 1, p.steps = batches;
        p.loss = at.sums[0] / k;
        if (mseAt >= 0) p.mse = at.sums[size_t(mseAt)] / k;
        if (klAt >= 0) p.kl = at.sums[size_t(klAt)] / k;
        p.etaSeconds = run.secondsPerBatch * double(remaining - run.batchesThisRun);
        p.message = hooks.progressMessage(at.sums, at.batch + 1, run.secondsPerBatch);
        progress(p);
      }
      if (spec.checkpointMinutes > 0 && at.batch + 1 < batches &&
          secondsSince(lastCheckpoint) > 60 * spec.checkpointMinutes) {
        TrainPosition mid = at;
        mid.batch = at.batch + 1;
        ck.save(parts, mid);
        lastCheckpoint = Clock::now();
      }
    }
    if (run.stopped) break;
    const double seconds = secondsSince(epochStart);
    std::vector<double> values = hooks.endEpoch(epoch, at.sums, batches, cancel);
    if (values.size() != spec.epochColumns.size())
      throw std::logic_error(spec.command + ": endEpoch returned the wrong column count");
    nlohmann::json row = {{"epoch", epoch + 1}};
    for (size_t i = 0; i < values.size(); ++i) row[spec.epochColumns[i]] = values[i];
    row["seconds"] = seconds;
    row["seconds_per_batch"] = seconds / double(std::max<int64_t>(1, batches - firstBatch));
    at.history.push_back(row);
    std::string message = hooks.epochMessage(values);
    if (progress && !message.empty()) {
      Progress p;
      p.epoch = epoch + 1, p.epochs = spec.epochs, p.step = batches, p.steps = batches;
      p.loss = values[0];
      p.message = message;
      progress(p);
    }
    at.epochsDone = epoch + 1, at.batch = 0;
    at.sums.assign(nMetrics, 0.0);
    hooks.writeBundle(at);
    ck.save(parts, at);
    lastCheckpoint = Clock::now();
    writeLog(spec, at.history);
    ++epochsThisRun;
  }
  if (run.stopped) {  // keep the position, and a bundle to sample from
    hooks.writeBundle(at);
    ck.save(parts, at);
  } else if (epochsThisRun == 0) {  // nothing left to train: still leave a complete bundle
    hooks.writeBundle(at);
  }
  return run;
}

Dataset openTrainingSet(const std::string& spec, int64_t limit) {
  DatasetOptions o;
  o.limit = limit;
  Dataset d = openDataset(spec, o);
  if (d.count < 1) throw BadInput(spec + ": no images to train on");
  return d;
}

}  // namespace latentlab
