// The shared training skeleton (engine/train/trainer_loop.h) driven by scripted hooks, no
// real training: the order of calls, the history and log, progress, stops by --max-batches,
// mid-epoch checkpoints, resume to the same result, divergence, option checks on resume,
// and a checkpoint swap interrupted between its two renames.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/train/trainer_loop.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;
namespace t = latentlab::test;

namespace {

// A "model" whose single weight counts the batches trained, and hooks that record calls.
// Batch b of epoch e reports loss 10 * e + b and extra = 1, so every mean is known.
struct Scripted : TrainerHooks {
  torch::nn::Linear model{torch::nn::Linear(1, 1)};
  torch::optim::SGD optim{model->parameters(), torch::optim::SGDOptions(0.1)};
  std::vector<int> epochsBegun;
  std::vector<std::tuple<int, int64_t, int64_t>> batches;  // (epoch, batch, step)
  int bundles = 0;
  std::atomic<bool> cancel{false};
  int64_t cancelAtStep = -1;
  int64_t nanAtStep = -1;

  Scripted() {
    torch::NoGradGuard ng;
    model->weight.fill_(0), model->bias.fill_(0);
  }
  CheckpointParts parts() { return {{{"model", model.ptr().get()}}, {{"optimizer", &optim}}, {{"width", 1}}}; }
  void beginEpoch(int epoch) override { epochsBegun.push_back(epoch); }
  std::vector<double> trainBatch(int epoch, int64_t batch, int64_t step) override {
    if (step == cancelAtStep) cancel = true;  // seen by the loop before the next batch
    batches.emplace_back(epoch, batch, step);
    torch::NoGradGuard ng;
    model->weight.add_(1);
    model->bias.add_(double(step));  // the order of steps shows in the weights
    if (step == nanAtStep) return {std::nan(""), 1};
    return {10.0 * epoch + double(batch), 1.0};
  }
  void writeBundle(const TrainPosition&) override { ++bundles; }
};

TrainerSpec spec(const std::string& out, int epochs = 3) {
  TrainerSpec s;
  s.command = "train test";
  s.outDir = out;
  s.epochs = epochs;
  s.batchesPerEpoch = 4;
  s.batchMetrics = s.epochColumns = {"loss", "extra"};
  s.progressEvery = 2;
  return s;
}

std::vector<std::string> logLines(const std::string& dir) {
  std::istringstream is(t::readText(dir + "/train_log.csv"));
  std::vector<std::string> lines;
  for (std::string l; std::getline(is, l);) lines.push_back(l);
  return lines;
}

}  // namespace

TEST_CASE("a run calls the hooks in order and records every epoch once") {
  std::string out = t::tempDir("loop");
  Scripted h;
  std::vector<Progress> reports;
  auto run = runTrainerLoop(spec(out), h.parts(), h, [&](const Progress& p) { reports.push_back(p); });
  CHECK(h.epochsBegun == std::vector<int>{0, 1, 2});
  REQUIRE(h.batches.size() == 12);
  for (int64_t i = 0; i < 12; ++i) CHECK(h.batches[size_t(i)] == std::make_tuple(int(i / 4), i % 4, i));
  CHECK(h.bundles == 3);  // after every epoch
  CHECK(run.at.epochsDone == 3);
  CHECK(run.at.step == 12);
  CHECK_FALSE(run.stopped);
  REQUIRE(run.at.history.size() == 3);
  // Epoch e's mean loss: 10 e + (0 + 1 + 2 + 3) / 4.
  for (int e = 0; e < 3; ++e) {
    CHECK(run.at.history[size_t(e)].at("epoch") == e + 1);
    CHECK(run.at.history[size_t(e)].at("loss").get<double>() == doctest::Approx(10.0 * e + 1.5));
    CHECK(run.at.history[size_t(e)].at("extra").get<double>() == doctest::Approx(1.0));
  }
  CHECK(run.last("loss") == doctest::Approx(21.5));
  CHECK(run.first("loss") == doctest::Approx(1.5));
  auto lines = logLines(out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "epoch,loss,extra,seconds,seconds_per_batch");
  CHECK(lines[2].rfind("2,11.5,1,", 0) == 0);
  // Progress after batch indices 0 and 2 (every 2nd) and the last, per epoch.
  REQUIRE(reports.size() == 9);
  CHECK(reports[0].step == 1);
  CHECK(reports[1].step == 3);
  CHECK(reports[1].loss == doctest::Approx(1.0));  // running mean over the epoch so far
  CHECK(reports[2].step == 4);
  CHECK(reports[2].steps == 4);
  CHECK(reports[2].loss == doctest::Approx(1.5));
  CHECK(reports[8].epoch == 3);
  CHECK(reports[8].etaSeconds == 0);
  for (auto& p : reports) CHECK(p.etaSeconds >= 0);
  CHECK(fs::exists(out + "/checkpoint/state.json"));
  CHECK_FALSE(fs::exists(out + "/checkpoint.tmp"));
}

TEST_CASE("a --max-batches stop resumes at the next batch and ends where an uninterrupted run ends") {
  std::string whole = t::tempDir("whole"), parts = t::tempDir("parts");
  Scripted a;
  runTrainerLoop(spec(whole), a.parts(), a);

  Scripted b1;
  auto s = spec(parts);
  s.maxBatches = 6;
  auto first = runTrainerLoop(s, b1.parts(), b1);
  CHECK(first.stopped);
  CHECK(first.at.epochsDone == 1);
  CHECK(first.at.batch == 2);
  CHECK(b1.bundles == 2);  // after epoch 1, and at the stop
  CHECK(logLines(parts).size() == 2);

  Scripted b2;  // a fresh process: nothing but the checkpoint carries over
  s.maxBatches = 0;
  s.resume = true;
  auto second = runTrainerLoop(s, b2.parts(), b2);
  CHECK(b2.epochsBegun == std::vector<int>{1, 2});  // the interrupted epoch begins again (reseeding)
  REQUIRE(b2.batches.size() == 6);
  CHECK(b2.batches.front() == std::make_tuple(1, int64_t(2), int64_t(6)));
  CHECK(second.at.epochsDone == 3);
  CHECK(torch::equal(a.model->weight, b2.model->weight));
  CHECK(torch::equal(a.model->bias, b2.model->bias));
  // The partial epoch's sums came back from the checkpoint: the same epoch means.
  for (size_t e = 0; e < 3; ++e)
    CHECK(second.at.history[e].at("loss").get<double>() == doctest::Approx(10.0 * double(e) + 1.5));
  auto lines = logLines(parts);
  REQUIRE(lines.size() == 4);
  for (int e = 1; e <= 3; ++e) CHECK(lines[size_t(e)].rfind(std::to_string(e) + ",", 0) == 0);
}

TEST_CASE("a mid-epoch checkpoint survives a cancelled run") {
  std::string whole = t::tempDir("whole"), cut = t::tempDir("cut");
  Scripted a;
  runTrainerLoop(spec(whole), a.parts(), a);

  Scripted b1;
  auto s = spec(cut);
  s.checkpointMinutes = 1e-12;  // after every batch
  b1.cancelAtStep = 5;          // epoch 1, batch 1
  CHECK_THROWS_AS(runTrainerLoop(s, b1.parts(), b1, {}, CancelToken{&b1.cancel}), Cancelled);
  Scripted b2;
  s.resume = true;
  runTrainerLoop(s, b2.parts(), b2);
  REQUIRE(!b2.batches.empty());
  CHECK(b2.batches.front() == std::make_tuple(1, int64_t(2), int64_t(6)));
  CHECK(torch::equal(a.model->weight, b2.model->weight));
  CHECK(torch::equal(a.model->bias, b2.model->bias));
}

TEST_CASE("resuming a finished run trains nothing and still leaves a bundle") {
  std::string out = t::tempDir("done");
  Scripted a;
  runTrainerLoop(spec(out), a.parts(), a);
  Scripted b;
  auto s = spec(out);
  s.resume = true;
  auto run = runTrainerLoop(s, b.parts(), b);
  CHECK(b.batches.empty());
  CHECK(b.bundles == 1);
  CHECK(run.at.epochsDone == 3);
  CHECK(torch::equal(a.model->weight, b.model->weight));
  CHECK(logLines(out).size() == 4);
}

TEST_CASE("a NaN metric stops the run with the epoch and batch") {
  Scripted h;
  h.nanAtStep = 6;
  try {
    runTrainerLoop(spec(t::tempDir("nan")), h.parts(), h);
    FAIL("no error");
  } catch (const BadInput& e) {
    CHECK(std::string(e.what()) == "training diverged (loss is NaN/Inf) at epoch 2, batch 3; try a lower --lr");
  }
}

TEST_CASE("resume refuses a checkpoint made with other options, naming the option") {
  std::string out = t::tempDir("opts");
  Scripted a;
  runTrainerLoop(spec(out, 1), a.parts(), a);
  Scripted b;
  auto p = b.parts();
  p.options["width"] = 2;
  auto s = spec(out, 2);
  s.resume = true;
  try {
    runTrainerLoop(s, p, b);
    FAIL("no error");
  } catch (const UsageError& e) {
    std::string m = e.what();
    CHECK(m.find("train test --resume") != std::string::npos);
    CHECK(m.find("width 1, this run asks for 2") != std::string::npos);
  }
  CHECK(b.batches.empty());
}

TEST_CASE("resume refuses a checkpoint with another number of batches per epoch") {
  std::string out = t::tempDir("count");
  Scripted a;
  runTrainerLoop(spec(out, 1), a.parts(), a);
  Scripted b;
  auto s = spec(out, 2);
  s.resume = true;
  s.batchesPerEpoch = 5;
  try {
    runTrainerLoop(s, b.parts(), b);
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("has 4 batches per epoch, this run 5") != std::string::npos);
  }
  CHECK(b.batches.empty());
}

TEST_CASE("a checkpoint swap interrupted between its renames is still found") {
  std::string out = t::tempDir("swap");
  Scripted a;
  runTrainerLoop(spec(out, 2), a.parts(), a);
  fs::rename(out + "/checkpoint", out + "/checkpoint.old");  // the state after the first rename
  Scripted b;
  auto s = spec(out, 3);
  s.resume = true;
  auto run = runTrainerLoop(s, b.parts(), b);
  CHECK(b.epochsBegun == std::vector<int>{2});
  CHECK(run.at.epochsDone == 3);
  CHECK(fs::exists(out + "/checkpoint/state.json"));
  CHECK_FALSE(fs::exists(out + "/checkpoint.old"));
}

TEST_CASE("a damaged checkpoint state is refused as bad input naming the file") {
  // Each row is a state.json a crash, a hand edit or another version could leave behind.
  const std::vector<std::pair<const char*, const char*>> rows = {
      {"epochs_done as text", R"({"epochs_done": "two", "history": []})"},
      {"sums not numbers", R"({"epochs_done": 1, "sums": ["x"], "history": []})"},
      {"no epoch at all", R"({"history": []})"},
      {"negative epoch", R"({"epochs_done": -3, "history": []})"},
      {"history an object", R"({"epochs_done": 1, "history": {}})"},
  };
  for (const auto& [name, text] : rows) {
    CAPTURE(name);
    std::string out = t::tempDir("damaged");
    Scripted a;
    runTrainerLoop(spec(out, 1), a.parts(), a);
    {
      std::ofstream f(out + "/checkpoint/state.json", std::ios::trunc);
      f << text;
    }
    Scripted b;
    auto s = spec(out, 2);
    s.resume = true;
    try {
      runTrainerLoop(s, b.parts(), b);
      FAIL("no error");
    } catch (const BadInput& e) {
      CHECK(std::string(e.what()).find("state.json") != std::string::npos);
    }
    CHECK(b.batches.empty());
  }
}
