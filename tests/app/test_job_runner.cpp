// The job runner: latest request wins per slot, stale results are dropped, exceptions become
// Result::error, cancellation stops a long job mid-run and drops its result.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "engine/jobs/job_runner.h"
#include "engine/util/errors.h"

using namespace latentlab;
using namespace std::chrono_literals;

namespace {
std::vector<JobResult> waitResults(JobRunner& r) {
  for (int i = 0; i < 500 && !r.idle(); ++i) {
    if (!r.status().busy && r.status().queued == 0) break;
    std::this_thread::sleep_for(5ms);
  }
  for (int i = 0; i < 500; ++i) {
    if (!r.status().busy && r.status().queued == 0) break;
    std::this_thread::sleep_for(5ms);
  }
  return r.takeResults();
}
}  // namespace

TEST_CASE("latest request wins and only the newest result is delivered") {
  JobRunner r("test", 1);
  std::atomic<bool> release{false}, started{false};
  r.submit("block", [&](JobContext&) -> std::any {
    started = true;
    while (!release) std::this_thread::sleep_for(1ms);
    return 0;
  });
  while (!started) std::this_thread::sleep_for(1ms);
  uint64_t last = 0;
  for (int i = 1; i <= 5; ++i) last = r.submit("decode", [i](JobContext&) -> std::any { return i; });
  CHECK(r.status().queued == 1);  // four older decode requests were replaced
  release = true;
  auto results = waitResults(r);
  int decodes = 0;
  for (auto& res : results)
    if (res.slot == "decode") {
      ++decodes;
      CHECK(res.version == last);
      CHECK(std::any_cast<int>(res.value) == 5);
    }
  CHECK(decodes == 1);
  CHECK(r.idle());
}

TEST_CASE("a result that became stale while running is dropped") {
  JobRunner r("test", 1);
  std::atomic<bool> started{false}, release{false};
  r.submit("decode", [&](JobContext&) -> std::any {
    started = true;
    while (!release) std::this_thread::sleep_for(1ms);
    return 1;
  });
  while (!started) std::this_thread::sleep_for(1ms);
  uint64_t v2 = r.submit("decode", [](JobContext&) -> std::any { return 2; });
  release = true;
  auto results = waitResults(r);
  REQUIRE(results.size() == 1);
  CHECK(results[0].version == v2);
  CHECK(std::any_cast<int>(results[0].value) == 2);
  CHECK(r.status().dropped >= 1);
}

TEST_CASE("exceptions become errors and the worker keeps running") {
  JobRunner r("test", 1);
  r.submit("a", [](JobContext&) -> std::any { throw BadInput("model.json: \"kind\" is wrong"); });
  auto results = waitResults(r);
  REQUIRE(results.size() == 1);
  CHECK(results[0].error == "model.json: \"kind\" is wrong");
  r.submit("a", [](JobContext&) -> std::any { return std::string("ok"); });
  results = waitResults(r);
  REQUIRE(results.size() == 1);
  CHECK(results[0].error.empty());
  CHECK(std::any_cast<std::string>(results[0].value) == "ok");
}

TEST_CASE("cancel stops a long job that checks its token, and progress is visible") {
  JobRunner r("test", 1);
  std::atomic<int> steps{0};
  r.submit("encode", [&](JobContext& ctx) -> std::any {
    for (int i = 0; i < 100000; ++i) {
      ctx.cancelToken().throwIfCancelled();
      ctx.setProgress(i / 100000.0, "step");
      ++steps;
      std::this_thread::sleep_for(1ms);
    }
    return 0;
  });
  while (steps < 5) std::this_thread::sleep_for(1ms);
  CHECK(r.status().busy);
  CHECK(r.status().progress > 0);
  r.cancel("encode");
  auto results = waitResults(r);
  CHECK(results.empty());  // a cancelled slot delivers nothing
  CHECK(steps < 100000);
  CHECK(r.idle());
}

TEST_CASE("a job cancelled mid-run observes it, its result is dropped, and the slot works again") {
  JobRunner r("test", 1);
  std::atomic<bool> started{false}, observed{false}, finished{false};
  r.submit("encode", [&](JobContext& ctx) -> std::any {
    started = true;
    // Blocks until cancelled (bounded, so a broken cancel fails the test instead of hanging it).
    for (int i = 0; i < 10000 && !ctx.cancelled(); ++i) std::this_thread::sleep_for(1ms);
    observed = ctx.cancelled();
    finished = true;
    return 42;  // returns normally: only the runner can keep this from being delivered
  });
  while (!started) std::this_thread::sleep_for(1ms);
  CHECK(r.status().busy);
  CHECK(r.status().runningSlot == "encode");
  CHECK_FALSE(finished);  // still blocked: the cancel below really lands mid-run
  r.cancel("encode");
  for (int i = 0; i < 5000 && !finished; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(finished);
  CHECK(observed);
  for (int i = 0; i < 5000 && r.status().busy; ++i) std::this_thread::sleep_for(1ms);
  for (auto& res : r.takeResults()) CHECK_MESSAGE(res.slot != "encode", "a cancelled job's result was delivered");
  CHECK(r.idle());

  // A job that stops by throwing Cancelled delivers neither a value nor an error.
  started = false;
  r.submit("encode", [&](JobContext& ctx) -> std::any {
    started = true;
    for (int i = 0; i < 10000; ++i) {
      ctx.cancelToken().throwIfCancelled();
      std::this_thread::sleep_for(1ms);
    }
    return 1;
  });
  while (!started) std::this_thread::sleep_for(1ms);
  r.cancel("encode");
  auto results = waitResults(r);
  CHECK(results.empty());

  // The slot is not poisoned: the next request runs and is delivered.
  r.submit("encode", [](JobContext&) -> std::any { return 7; });
  results = waitResults(r);
  REQUIRE(results.size() == 1);
  CHECK(std::any_cast<int>(results[0].value) == 7);
  CHECK(results[0].error.empty());
}
