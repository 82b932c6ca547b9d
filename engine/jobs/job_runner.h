// A worker thread that runs engine jobs for the UI: latest request wins per slot, results
// carry a version and stale ones are dropped, long jobs report progress and can be
// cancelled, exceptions become Result::error. Torch-free so app code can include it.
// Never call a job's work on the caller's thread, and never let an exception escape the worker.
#pragma once
#include <any>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/train/progress.h"

namespace latentlab {

// Handed to a running job: progress reporting and the cancel flag.
class JobContext {
 public:
  void setProgress(double fraction, const std::string& message = {});
  bool cancelled() const { return m_cancel->load(std::memory_order_relaxed); }
  CancelToken cancelToken() const { return CancelToken{m_cancel.get()}; }

 private:
  friend class JobRunner;
  std::shared_ptr<std::atomic<bool>> m_cancel;
  class JobRunner* m_runner = nullptr;
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
  ~JobRunner();  // cancels everything and joins
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
  void setWakeCallback(std::function<void()> wake);
  const std::string& name() const { return m_name; }

 private:
  friend class JobContext;
  struct Job {
    std::string slot;
    uint64_t version = 0;
    Work work;
    std::shared_ptr<std::atomic<bool>> cancel;
    double submitTime = 0;
  };
  void loop(int threads);
  bool isStale(const std::string& slot, uint64_t version) const;  // needs m_mutex

  std::string m_name;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Job> m_pending;
  std::map<std::string, uint64_t> m_latest;  // newest version submitted per slot
  std::vector<JobResult> m_done;
  std::shared_ptr<std::atomic<bool>> m_runningCancel;
  std::string m_runningSlot;
  bool m_busy = false, m_stop = false;
  uint64_t m_nextVersion = 1, m_completed = 0, m_dropped = 0;
  double m_progress = 0, m_lastSeconds = 0;
  std::string m_message;
  std::function<void()> m_wake;
  std::thread m_thread;
};

}  // namespace latentlab
