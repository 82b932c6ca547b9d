// `latentlab train vae --resume` end to end, on a tiny subset: one epoch, then resumed to
// two, gives bit-for-bit the weights of an uninterrupted two-epoch run with the same seed
// (one intra-op thread, the same sequence of float operations), the log lists every epoch
// once, resuming a finished run trains nothing, and a resume with another batch size is
// refused with exit 2 naming the option.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/data/safetensors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {

const std::string kTiny = "train vae --limit 192 --batch 64 --latent-dim 2 --hidden 32 --seed 3 --threads 1";

std::vector<std::string> csvColumn0(const std::string& path) {
  std::istringstream is(t::readText(path));
  std::vector<std::string> out;
  std::string line;
  std::getline(is, line);  // header
  while (std::getline(is, line)) out.push_back(line.substr(0, line.find(',')));
  return out;
}

// The loss, mse and kl columns of each row: the training numbers, without the timings.
std::vector<std::string> csvLosses(const std::string& path) {
  std::istringstream is(t::readText(path));
  std::vector<std::string> out;
  for (std::string line; std::getline(is, line);) {
    size_t cut = 0;
    for (int i = 0; i < 4 && cut != std::string::npos; ++i) cut = line.find(',', cut + 1);
    out.push_back(line.substr(0, cut));
  }
  return out;
}

void checkSameWeights(const std::string& a, const std::string& b) {
  auto wa = readSafetensors(a + "/vae.safetensors"), wb = readSafetensors(b + "/vae.safetensors");
  REQUIRE(wa.size() == wb.size());
  for (auto& [name, tensor] : wa) {
    CAPTURE(name);
    REQUIRE(wb.count(name) == 1);
    CHECK(torch::equal(tensor, wb.at(name)));  // bitwise, not approximately
  }
}

}  // namespace

TEST_CASE("train vae: one epoch resumed to two equals two epochs straight") {
  std::string straight = t::tempDir("straight"), resumed = t::tempDir("resumed");
  auto s = t::runLatentlab(kTiny + " --epochs 2 -o " + straight);
  REQUIRE_MESSAGE(s.exitCode == 0, s.err);
  CHECK(s.out.find("trained 2 epochs") != std::string::npos);

  auto r1 = t::runLatentlab(kTiny + " --epochs 1 -o " + resumed);
  REQUIRE_MESSAGE(r1.exitCode == 0, r1.err);
  CHECK(csvColumn0(resumed + "/train_log.csv") == std::vector<std::string>{"1"});
  auto r2 = t::runLatentlab(kTiny + " --epochs 2 --resume -o " + resumed);
  REQUIRE_MESSAGE(r2.exitCode == 0, r2.err);
  CHECK(r2.out.find("trained 2 epochs") != std::string::npos);
  // The resumed run reports only epoch 2, and its ETA.
  CHECK(r2.err.find("epoch 1/2") == std::string::npos);
  CHECK(r2.err.find("epoch 2/2  batch 3/3") != std::string::npos);
  CHECK(r2.err.find("ETA") != std::string::npos);

  CHECK(csvColumn0(resumed + "/train_log.csv") == std::vector<std::string>{"1", "2"});
  CHECK(csvLosses(resumed + "/train_log.csv") == csvLosses(straight + "/train_log.csv"));
  checkSameWeights(straight, resumed);
  auto m = nlohmann::json::parse(t::readText(resumed + "/model.json"));
  CHECK(m.at("training").at("epochs") == 2);
  CHECK(m.at("training").at("final_train_loss") ==
        nlohmann::json::parse(t::readText(straight + "/model.json")).at("training").at("final_train_loss"));

  SUBCASE("resuming a finished run trains nothing") {
    auto again = t::runLatentlab(kTiny + " --epochs 2 --resume -o " + resumed);
    REQUIRE_MESSAGE(again.exitCode == 0, again.err);
    CHECK(again.err.find("batch") == std::string::npos);  // no progress: no batch ran
    CHECK(csvColumn0(resumed + "/train_log.csv") == std::vector<std::string>{"1", "2"});
    checkSameWeights(straight, resumed);
  }
  SUBCASE("a resume with another batch size is a usage error") {
    std::string cmd = kTiny + " --epochs 3 --resume -o " + resumed;
    auto bad = t::runLatentlab(cmd.replace(cmd.find("--batch 64"), 10, "--batch 32"));
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find("batch_size 64, this run asks for 32") != std::string::npos);
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  }
}
