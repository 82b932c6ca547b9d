// `latentlab bench --json`: the whole of stdout parses as JSON, every field the README's
// bench tables read is there, timings are positive finite numbers, each has its PyTorch
// eager counterpart (bench/python_reference.py) and the ratio, and the fields that are not
// timings say what ran (device, threads, model kind). No speed is asserted: speed goals
// live in bench/, not in tests. Tiny counts (--repeats, --encode-count) keep it short.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace t = latentlab::test;

namespace {

void checkTiming(const nlohmann::json& j, const char* key) {
  CAPTURE(key);
  REQUIRE(j.contains(key));
  REQUIRE(j.at(key).is_number());
  double v = j.at(key).get<double>();
  CHECK(std::isfinite(v));
  CHECK(v > 0);
}

}  // namespace

TEST_CASE("bench --json of an autoencoder: decode latency and encode throughput") {
  auto r = t::runLatentlab("bench --model " + t::sourcePath("assets/models/fashion-vae-16") +
                           " --repeats 10 --encode-count 200 --json --device cpu --threads 1");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"decode_batch1_ms_p50", "decode_batch1_ms_p99", "decode_batch64_ms_p50", "encode_10000_s",
                          "encode_images_per_s"})
    checkTiming(j, key);
  CHECK(!j.contains("python_error"));
  for (std::string key : {"decode_batch1_ms_p50", "decode_batch1_ms_p99", "decode_batch64_ms_p50", "encode_10000_s"}) {
    checkTiming(j, (key + "_python").c_str());
    checkTiming(j, (key + "_python_ratio").c_str());
    CHECK(j.at(key + "_python_ratio").get<double>() ==
          doctest::Approx(j.at(key + "_python").get<double>() / j.at(key).get<double>()).epsilon(1e-9));
  }
  CHECK(j.at("decode_batch1_ms_p99").get<double>() >= j.at("decode_batch1_ms_p50").get<double>());  // percentiles
  // Throughput is the same measurement as the encode time (given per 10,000 images), over the 200 asked for.
  CHECK(j.at("encode_images") == 200);
  CHECK(j.at("encode_images_per_s").get<double>() ==
        doctest::Approx(10000.0 / j.at("encode_10000_s").get<double>()).epsilon(1e-9));
  CHECK(j.at("device") == "cpu");
  CHECK(j.at("threads") == 1);
  CHECK(j.at("model").get<std::string>().find("fashion-vae-16") != std::string::npos);
  CHECK(!j.at("blas").get<std::string>().empty());
  // The big fully connected layer against a plain read of its weights (issue 12's bound).
  for (const char* key : {"fc_batch1_ms_p50", "fc_batch1_libtorch_ms_p50", "fc_weights_read_ms_p50",
                          "fc_weights_read_gb_per_s", "fc_batch1_gb_per_s", "fc_batch1_over_read_bound"})
    checkTiming(j, key);
  CHECK(j.at("fc_shape") == nlohmann::json({512, 3136}));
  CHECK(j.at("fc_batch1_over_read_bound").get<double>() ==
        doctest::Approx(j.at("fc_batch1_ms_p50").get<double>() / j.at("fc_weights_read_ms_p50").get<double>()).epsilon(1e-9));
  CHECK(j.size() == 25);  // nothing unexpected either
}

TEST_CASE("bench --json of a latent diffusion model: step and sampling times") {
  auto r = t::runLatentlab("bench --model " + t::sourcePath("assets/models/fashion-ldm") +
                           " --repeats 30 --batches 1,4 --chunk-elements 0,32 --json --device cpu --threads 1");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"step_batch1_ms_p50", "step_batch1_guided_ms_p50", "step_batch64_ms_p50",
                          "step_batch64_guided_ms_p50", "ddim50_guided_ms_p50", "ddim50_guided_every_step_shown_ms_p50"})
    checkTiming(j, key);
  CHECK(!j.contains("python_error"));
  for (std::string key : {"step_batch1_ms_p50", "step_batch1_guided_ms_p50", "step_batch64_ms_p50",
                          "step_batch64_guided_ms_p50", "ddim50_guided_ms_p50"}) {
    checkTiming(j, (key + "_python").c_str());
    checkTiming(j, (key + "_python_ratio").c_str());
  }
  // The batch scan: every batch size at every micro-batch size asked for, per-image CPU times.
  REQUIRE(j.at("batch_scan").size() == 4);
  for (auto& s : j.at("batch_scan")) {
    checkTiming(s, "guided_step_cpu_ms_per_image_p50");
    checkTiming(s, "ratio_to_first");
  }
  CHECK(j.at("batch_scan")[3].at("batch") == 4);
  CHECK(j.at("batch_scan")[3].at("chunk_elements") == 32);
  CHECK(j.at("kind") == "latent-diffusion");
  checkTiming(j, "machine_peak_gflops");
  CHECK(!j.contains("step_profile"));  // no UNet: nothing to break down
  CHECK(j.at("device") == "cpu");
  CHECK(j.at("threads") == 1);
}

TEST_CASE("bench --json of a pixel diffusion model: the UNet's kernel line and the layouts of the scan") {
  auto r = t::runLatentlab("bench --model " + t::sourcePath("assets/models/fashion-ddpm") +
                           " --repeats 30 --batches 1,2 --unet-layouts auto,first --no-python --json --device cpu --threads 1");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  checkTiming(j, "step_batch1_guided_ms_p50");
  REQUIRE(j.at("kernels_channels_last").size() == 2);
  for (auto& [key, value] : j.at("kernels_channels_last").items()) checkTiming(j.at("kernels_channels_last"), key.c_str());
  REQUIRE(j.at("batch_scan").size() == 4);
  for (auto& s : j.at("batch_scan")) checkTiming(s, "guided_step_cpu_ms_per_image_p50");
  CHECK(j.at("batch_scan")[0].at("unet_layout") == "auto");
  CHECK(j.at("batch_scan")[3].at("unet_layout") == "first");
  CHECK(j.at("batch_scan")[0].at("ratio_to_first").get<double>() == doctest::Approx(1.0));
  // Where the time goes (engine/models/unet_profile.h), against the core's measured peak.
  checkTiming(j, "machine_peak_gflops");
  REQUIRE(j.at("step_profile").size() == 2);
  // A guided image's convolutions, counted from the architecture (config channels [32, 64, 64],
  // 28 x 28 x 1; one residual block per level, a skip 1 x 1 where channels change, a
  // stride-2 convolution between levels, a convolution before each 2x upsampling): two passes,
  // less conv_in and the first block's first convolution, which the halves share. The
  // attention's 1 x 1 projections are counted as attention, not here.
  struct Conv {
    double hw, cin, cout, k;
  };
  const std::vector<Conv> pass = {
      {784, 1, 32, 3},                                      // conv_in
      {784, 32, 32, 3},  {784, 32, 32, 3},                  // down 0
      {196, 32, 32, 3},                                     // downsample 0 (output 14 x 14)
      {196, 32, 64, 3},  {196, 64, 64, 3},  {196, 32, 64, 1},  // down 1
      {49, 64, 64, 3},                                      // downsample 1
      {49, 64, 64, 3},   {49, 64, 64, 3},                   // down 2
      {49, 64, 64, 3},   {49, 64, 64, 3},   {49, 64, 64, 3},   {49, 64, 64, 3},  // mid 1, mid 2
      {49, 128, 64, 3},  {49, 64, 64, 3},   {49, 128, 64, 1},  // up 2
      {49, 64, 64, 3},                                      // before upsampling to 14
      {196, 128, 64, 3}, {196, 64, 64, 3},  {196, 128, 64, 1},  // up 1
      {196, 64, 32, 3},                                     // before upsampling to 28
      {784, 64, 32, 3},  {784, 32, 32, 3},  {784, 64, 32, 1},  // up 0
      {784, 32, 1, 3},                                      // conv_out
  };
  auto macs = [](const Conv& c) { return c.hw * c.cin * c.cout * c.k * c.k; };
  double onePass = 0;
  for (const auto& c : pass) onePass += macs(c);
  const double guided = 2 * onePass - macs(pass[0]) - macs(pass[1]);
  for (auto& p : j.at("step_profile")) {
    for (const char* key : {"cpu_ms_per_image", "conv_cpu_ms_per_image", "norm_cpu_ms_per_image",
                            "attention_cpu_ms_per_image", "conv_gflops", "conv_share_of_peak", "ratio_bound_convs_only"})
      checkTiming(p, key);
    CHECK(p.at("conv_multiply_adds_per_image").get<double>() == guided);
    CHECK(p.at("other_cpu_ms_per_image").get<double>() >= 0);
    CHECK(p.at("conv_cpu_ms_per_image").get<double>() < p.at("cpu_ms_per_image").get<double>());
    CHECK(p.at("conv_gflops").get<double>() ==
          doctest::Approx(2 * guided / (p.at("conv_cpu_ms_per_image").get<double>() * 1e6)).epsilon(1e-9));
  }
  CHECK(j.at("step_profile")[1].at("batch") == 2);
}

TEST_CASE("bench with a bad model is an error, not a crash") {
  auto r = t::runLatentlab("bench --model /nonexistent --json");
  CHECK(r.exitCode == 3);
  CHECK(r.err.find("/nonexistent") != std::string::npos);
  CHECK(r.out.empty());
}
