#include "app/sample_track.h"

#include <algorithm>
#include <chrono>

namespace latentlab {

void StepGate::waitAfterStep(const CancelToken& cancel) {
  std::unique_lock<std::mutex> lock(m_mutex);
  if (m_permits < 0) return;
  m_waiting = true;
  // A timed wait so that a cancel (a flag, not a notification) is noticed promptly.
  while (m_permits == 0 && !cancel.cancelled()) m_cv.wait_for(lock, std::chrono::milliseconds(20));
  m_waiting = false;
  if (m_permits > 0) --m_permits;
}

void StepGate::pause() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_permits < 0) m_permits = 0;
}

void StepGate::allow(int steps) {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_permits >= 0) m_permits += std::max(steps, 0);
  }
  m_cv.notify_all();
}

void StepGate::run() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_permits = -1;
  }
  m_cv.notify_all();
}

bool StepGate::paused() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_permits >= 0;
}

bool StepGate::waiting() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_waiting;
}

uint64_t SampleTrack::begin(const SampleRequest& req) {
  ++run;
  {
    std::lock_guard<std::mutex> lock(queue->mutex);
    queue->run = run;
    queue->pending.clear();
  }
  frames.resize(std::min(frames.size(), size_t(std::max(req.startIndex, 0))));
  request = req;
  final = Image{};
  steps = req.steps;
  error.clear();
  cancelled = false;
  sampling = true;
  return run;
}

bool SampleTrack::drain() {
  std::lock_guard<std::mutex> lock(queue->mutex);
  bool any = false;
  if (queue->run == run && !queue->pending.empty()) {
    for (auto& f : queue->pending) frames.push_back(std::move(f));
    any = true;
  }
  queue->pending.clear();
  return any;
}

void SampleTrack::stop() {
  {
    // Steps the job still reports before it notices the flag are not part of the record.
    std::lock_guard<std::mutex> lock(queue->mutex);
    for (auto& f : queue->pending) frames.push_back(std::move(f));
    queue->pending.clear();
    queue->run = 0;
  }
  gate->run();
  sampling = false;
  cancelled = true;
  ++finished;
}

}  // namespace latentlab
