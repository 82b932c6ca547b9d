// A worker thread that runs engine jobs for the UI: latest request wins per slot, results
// carry a version and stale ones are dropped, long jobs report progress and can be
// cancelled, exceptions become Result::error. Torch-free so app code can include it.
// Never call a job's work on the caller's thread, and never let an exception escape the worker.
#pragma once
#include <any>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/jobs/progress.h"

namespace latentlab {

struct JobRunnerState;  // the worker's shared state (job_runner.cpp)

// Handed to a running job: progress reporting and the cancel flag.
class JobContext {
 public:
  void setProgress(double fraction, const std::string& message = {});
  bool cancelled() const { return m_cancel->load(std::memory_order_relaxed); }
  CancelToken cancelToken() const { return CancelToken{m_cancel.get()}; }

 private:
  friend struct JobRunnerState;
  std::shared_ptr<std::atomic<bool>> m_cancel;
  JobRunnerState* m_state = nullptr;  // alive while the job runs (the worker holds it)
};

struct JobResult {
  std::string slot;       // what the request was for, e.g. "decode-cursor"
  uint64_t version = 0;   // the submit() number; newer requests for the slot have larger ones
  std::any value;         // the work function's return value (empty on error or cancel)
  std::string error;      // non-empty when the job threw
  bool cancelled = false;
  double seconds = 0;     // time inside the work function
  double queuedSeconds = 0;  // time from submit() to start
};

struct RunnerStatus {
  bool busy = false;
  std::string runningSlot;
  double progress = 0;     // 0..1 of the running job, when it reports any
  std::string message;
  size_t queued = 0;
  uint64_t completed = 0, dropped = 0;  // dropped = stale results thrown away
  double lastSeconds = 0;               // duration of the last finished job
};

class JobRunner {
 public:
  using Work = std::function<std::any(JobContext&)>;

  // threads > 0 sets LibTorch's intra-op thread count from the worker. In LibTorch 1.13
  // at::set_num_threads is process-global (one atomic read by every thread's lazy init),
  // so all runners must agree; the app passes the same number to each.
  JobRunner(std::string name, int threads);
  ~JobRunner();  // cancels everything and joins (see shutdown() for a bounded wait)
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Queues work for `slot`. A pending request for the same slot is replaced and a running
  // one is cancelled: only the newest request's result is ever delivered.
  uint64_t submit(const std::string& slot, Work work);
  void cancel(const std::string& slot);
  void cancelAll();

  // Results that are still current (no newer request for their slot). Main thread.
  [[nodiscard]] std::vector<JobResult> takeResults();
  RunnerStatus status() const;
  // Nothing queued, nothing running and no result waiting to be taken.
  bool idle() const;
  // Called from the worker after each result (e.g. glfwPostEmptyEvent to wake the UI).
  // Calls happen under a lock this function also takes: once setWakeCallback(nullptr)
  // returns, the old callback is not running and is never called again, so the window
  // system can be shut down right after.
  void setWakeCallback(std::function<void()> wake);
  // Stops the worker: drops queued jobs, cancels the running one and waits up to
  // `timeoutSeconds` for it to end. A job that does not notice cancellation in time (a model
  // load inside LibTorch cannot be interrupted) is abandoned: the thread is detached and
  // keeps only its own shared state alive; its result is never delivered. Returns false when
  // a job was abandoned, so the caller can end the process without running destructors
  // under it. Idempotent; the destructor calls it without a time limit.
  bool shutdown(double timeoutSeconds);
  const std::string& name() const { return m_name; }

 private:
  std::string m_name;
  std::shared_ptr<JobRunnerState> m_state;
  std::thread m_thread;
  bool m_abandoned = false;
};

}  // namespace latentlab
