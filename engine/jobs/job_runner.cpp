#include "engine/jobs/job_runner.h"

#include <c10/core/InferenceMode.h>
#include <ATen/Parallel.h>

#include <chrono>

#include "engine/util/errors.h"

namespace latentlab {

namespace {
double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void JobContext::setProgress(double fraction, const std::string& message) {
  if (!m_runner) return;
  std::lock_guard<std::mutex> lock(m_runner->m_mutex);
  m_runner->m_progress = fraction;
  if (!message.empty()) m_runner->m_message = message;
}

JobRunner::JobRunner(std::string name, int threads) : m_name(std::move(name)) {
  m_thread = std::thread([this, threads] { loop(threads); });
}

JobRunner::~JobRunner() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
    m_pending.clear();
    if (m_runningCancel) m_runningCancel->store(true);
  }
  m_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

uint64_t JobRunner::submit(const std::string& slot, Work work) {
  uint64_t version;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    version = m_nextVersion++;
    m_latest[slot] = version;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
      if (it->slot == slot) {
        it = m_pending.erase(it);
        ++m_dropped;
      } else {
        ++it;
      }
    }
    if (m_busy && m_runningSlot == slot && m_runningCancel) m_runningCancel->store(true);
    Job job{slot, version, std::move(work), std::make_shared<std::atomic<bool>>(false), nowSeconds()};
    m_pending.push_back(std::move(job));
  }
  m_cv.notify_one();
  return version;
}

void JobRunner::cancel(const std::string& slot) {
  std::lock_guard<std::mutex> lock(m_mutex);
  // Bumping the version makes any result still in flight for this slot stale.
  m_latest[slot] = m_nextVersion++;
  for (auto it = m_pending.begin(); it != m_pending.end();)
    it = it->slot == slot ? m_pending.erase(it) : std::next(it);
  if (m_busy && m_runningSlot == slot && m_runningCancel) m_runningCancel->store(true);
}

void JobRunner::cancelAll() {
  std::vector<std::string> slots;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (auto& [slot, v] : m_latest) slots.push_back(slot);
  }
  for (auto& s : slots) cancel(s);
}

bool JobRunner::isStale(const std::string& slot, uint64_t version) const {
  auto it = m_latest.find(slot);
  return it != m_latest.end() && it->second != version;
}

std::vector<JobResult> JobRunner::takeResults() {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<JobResult> out;
  for (auto& r : m_done) {
    if (isStale(r.slot, r.version)) {
      ++m_dropped;
      continue;
    }
    out.push_back(std::move(r));
  }
  m_done.clear();
  return out;
}

RunnerStatus JobRunner::status() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  RunnerStatus s;
  s.busy = m_busy;
  s.runningSlot = m_runningSlot;
  s.progress = m_progress;
  s.message = m_message;
  s.queued = m_pending.size();
  s.completed = m_completed;
  s.dropped = m_dropped;
  s.lastSeconds = m_lastSeconds;
  return s;
}

bool JobRunner::idle() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return !m_busy && m_pending.empty() && m_done.empty();
}

void JobRunner::setWakeCallback(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_wake = std::move(wake);
}

void JobRunner::loop(int threads) {
  // InferenceMode is thread-local: it has to be opened on the worker itself.
  c10::InferenceMode inference;
  if (threads > 0) at::set_num_threads(threads);
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_cv.wait(lock, [&] { return m_stop || !m_pending.empty(); });
      if (m_stop) return;
      job = std::move(m_pending.front());
      m_pending.pop_front();
      m_busy = true;
      m_runningSlot = job.slot;
      m_runningCancel = job.cancel;
      m_progress = 0;
      m_message.clear();
    }
    JobResult result;
    result.slot = job.slot;
    result.version = job.version;
    double start = nowSeconds();
    result.queuedSeconds = start - job.submitTime;
    JobContext ctx;
    ctx.m_cancel = job.cancel;
    ctx.m_runner = this;
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
    std::function<void()> wake;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_busy = false;
      m_runningCancel.reset();
      m_runningSlot.clear();
      m_lastSeconds = result.seconds;
      ++m_completed;
      if (isStale(result.slot, result.version))
        ++m_dropped;
      else
        m_done.push_back(std::move(result));
      wake = m_wake;
    }
    if (wake) wake();
  }
}

}  // namespace latentlab
