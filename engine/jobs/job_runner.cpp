#include "engine/jobs/job_runner.h"

#include <c10/core/InferenceMode.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "engine/util/errors.h"

namespace latentlab {

namespace {
double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

// Everything the worker thread touches. Shared between the JobRunner and its thread so that
// an abandoned worker (see JobRunner::shutdown) never reads a destroyed runner.
struct JobRunnerState {
  struct Job {
    std::string slot;
    uint64_t version = 0;
    JobRunner::Work work;
    std::shared_ptr<std::atomic<bool>> cancel;
    double submitTime = 0;
  };

  mutable std::mutex mutex;
  std::condition_variable cv;      // new work or stop
  std::condition_variable exited;  // the worker left its loop
  std::deque<Job> pending;
  std::map<std::string, uint64_t> latest;  // newest version submitted per slot
  std::vector<JobResult> done;
  std::shared_ptr<std::atomic<bool>> runningCancel;
  std::string runningSlot;
  bool busy = false, stop = false, finished = false;
  uint64_t nextVersion = 1, completed = 0, dropped = 0;
  double progress = 0, lastSeconds = 0;
  std::string message;
  // The wake callback has its own lock, held while it runs (see setWakeCallback).
  std::mutex wakeMutex;
  std::function<void()> wake;

  bool isStale(const std::string& slot, uint64_t version) const {  // needs mutex
    auto it = latest.find(slot);
    return it != latest.end() && it->second != version;
  }
  void loop(int threads);
  static void setProgress(JobContext& ctx, double fraction, const std::string& message);
};

void JobContext::setProgress(double fraction, const std::string& message) {
  JobRunnerState::setProgress(*this, fraction, message);
}

void JobRunnerState::setProgress(JobContext& ctx, double fraction, const std::string& message) {
  if (!ctx.m_state) return;
  std::lock_guard<std::mutex> lock(ctx.m_state->mutex);
  ctx.m_state->progress = fraction;
  if (!message.empty()) ctx.m_state->message = message;
}

JobRunner::JobRunner(std::string name, int threads)
    : m_name(std::move(name)), m_state(std::make_shared<JobRunnerState>()) {
  std::shared_ptr<JobRunnerState> state = m_state;
  m_thread = std::thread([state, threads] { state->loop(threads); });
}

JobRunner::~JobRunner() { shutdown(-1); }

bool JobRunner::shutdown(double timeoutSeconds) {
  if (!m_thread.joinable()) return !m_abandoned;
  setWakeCallback(nullptr);
  std::unique_lock<std::mutex> lock(m_state->mutex);
  m_state->stop = true;
  m_state->pending.clear();
  if (m_state->runningCancel) m_state->runningCancel->store(true);
  m_state->cv.notify_all();
  auto finished = [&] { return m_state->finished; };
  if (timeoutSeconds < 0) {
    m_state->exited.wait(lock, finished);
  } else if (!m_state->exited.wait_for(lock, std::chrono::duration<double>(timeoutSeconds), finished)) {
    // The running job ignores its cancel flag: leave it to finish on its own. The thread
    // holds the shared state; nothing it does reaches this runner or its owner any more.
    lock.unlock();
    m_thread.detach();
    m_abandoned = true;
    return false;
  }
  lock.unlock();
  m_thread.join();
  return true;
}

uint64_t JobRunner::submit(const std::string& slot, Work work) {
  uint64_t version;
  {
    std::lock_guard<std::mutex> lock(m_state->mutex);
    version = m_state->nextVersion++;
    m_state->latest[slot] = version;
    for (auto it = m_state->pending.begin(); it != m_state->pending.end();) {
      if (it->slot == slot) {
        it = m_state->pending.erase(it);
        ++m_state->dropped;
      } else {
        ++it;
      }
    }
    if (m_state->busy && m_state->runningSlot == slot && m_state->runningCancel) m_state->runningCancel->store(true);
    if (m_state->stop) return version;  // shut down: nothing runs any more
    JobRunnerState::Job job{slot, version, std::move(work), std::make_shared<std::atomic<bool>>(false), nowSeconds()};
    m_state->pending.push_back(std::move(job));
  }
  m_state->cv.notify_one();
  return version;
}

void JobRunner::cancel(const std::string& slot) {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  // Bumping the version makes any result still in flight for this slot stale.
  m_state->latest[slot] = m_state->nextVersion++;
  for (auto it = m_state->pending.begin(); it != m_state->pending.end();)
    it = it->slot == slot ? m_state->pending.erase(it) : std::next(it);
  if (m_state->busy && m_state->runningSlot == slot && m_state->runningCancel) m_state->runningCancel->store(true);
}

void JobRunner::cancelAll() {
  std::vector<std::string> slots;
  {
    std::lock_guard<std::mutex> lock(m_state->mutex);
    for (auto& [slot, v] : m_state->latest) slots.push_back(slot);
  }
  for (auto& s : slots) cancel(s);
}

std::vector<JobResult> JobRunner::takeResults() {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  std::vector<JobResult> out;
  for (auto& r : m_state->done) {
    if (m_state->isStale(r.slot, r.version)) {
      ++m_state->dropped;
      continue;
    }
    out.push_back(std::move(r));
  }
  m_state->done.clear();
  return out;
}

RunnerStatus JobRunner::status() const {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  RunnerStatus s;
  s.busy = m_state->busy;
  s.runningSlot = m_state->runningSlot;
  s.progress = m_state->progress;
  s.message = m_state->message;
  s.queued = m_state->pending.size();
  s.completed = m_state->completed;
  s.dropped = m_state->dropped;
  s.lastSeconds = m_state->lastSeconds;
  return s;
}

bool JobRunner::idle() const {
  std::lock_guard<std::mutex> lock(m_state->mutex);
  return !m_state->busy && m_state->pending.empty() && m_state->done.empty();
}

void JobRunner::setWakeCallback(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(m_state->wakeMutex);
  m_state->wake = std::move(wake);
}

void JobRunnerState::loop(int threads) {
  // InferenceMode is thread-local: it has to be opened on the worker itself.
  c10::InferenceMode inference;
  if (threads > 0) at::set_num_threads(threads);
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] { return stop || !pending.empty(); });
      if (stop) {
        finished = true;
        exited.notify_all();
        return;
      }
      job = std::move(pending.front());
      pending.pop_front();
      busy = true;
      runningSlot = job.slot;
      runningCancel = job.cancel;
      progress = 0;
      message.clear();
    }
    JobResult result;
    result.slot = job.slot;
    result.version = job.version;
    double start = nowSeconds();
    result.queuedSeconds = start - job.submitTime;
    JobContext ctx;
    ctx.m_cancel = job.cancel;
    ctx.m_state = this;
    // The job boundary: nothing thrown by the engine may reach the UI thread or kill the worker.
    try {
      result.value = job.work(ctx);
      if (ctx.cancelled()) result.cancelled = true;
    } catch (const Cancelled&) {
      result.cancelled = true;
    } catch (const std::exception& e) {
      result.error = e.what();
      // LibTorch errors carry a multi-line backtrace; the UI shows the first line.
      auto nl = result.error.find('\n');
      if (nl != std::string::npos) result.error.resize(nl);
    } catch (...) {
      result.error = "unknown error in job " + job.slot;
    }
    result.seconds = nowSeconds() - start;
    job.work = nullptr;  // what the job captured (models, data) goes now, not at the next job
    {
      std::lock_guard<std::mutex> lock(mutex);
      busy = false;
      runningCancel.reset();
      runningSlot.clear();
      lastSeconds = result.seconds;
      ++completed;
      if (isStale(result.slot, result.version))
        ++dropped;
      else
        done.push_back(std::move(result));
    }
    std::lock_guard<std::mutex> lock(wakeMutex);
    if (wake) wake();
  }
}

}  // namespace latentlab
