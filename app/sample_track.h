// One diffusion sampling run as the GUI records it (the main run, or the second run of the
// Compare view): its steps, final image and state, plus the two objects it shares with the
// worker job: the queue that carries steps to the UI thread and the gate that lets the
// Step button hold the run after each step. Plain data and a little locking: no ImGui, no GL.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/explore/diffusion_sampling.h"
#include "engine/jobs/progress.h"

namespace latentlab {

// Steps cross from the worker to the UI thread here: the job pushes, the UI drains.
struct FrameQueue {
  std::mutex mutex;
  uint64_t run = 0;  // the run that owns the queue; a job of an older run pushes nothing
  std::vector<SampleFrame> pending;
};

// Holds a run after each step until the UI allows more. Free-running unless paused.
class StepGate {
 public:
  // Called by the job after a step: returns at once when free-running, otherwise waits
  // for a permit (or for the cancel token).
  void waitAfterStep(const CancelToken& cancel);
  void pause();          // from the next step on, hold after every step
  void allow(int steps); // paused: let this many more steps run
  void run();            // free-running from now on
  bool paused() const;
  bool waiting() const;  // the job is held right now

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_permits = -1;  // -1 = free-running
  bool m_waiting = false;
};

struct SampleTrack {
  std::vector<SampleFrame> frames;
  SampleRequest request;     // what the current (or last) run was asked for
  int steps = 0;             // steps of the current run
  uint64_t run = 0;          // increments per submitted run (texture versions)
  uint64_t finished = 0;     // runs that ended (done, cancelled or failed)
  Image final;               // the finished run's final sample
  bool cancelled = false;
  bool sampling = false;
  std::string error;
  std::shared_ptr<FrameQueue> queue = std::make_shared<FrameQueue>();
  std::shared_ptr<StepGate> gate = std::make_shared<StepGate>();

  // A new run begins: frames before req.startIndex are kept (a run started from a recorded
  // step continues that run's timeline); returns the run number.
  uint64_t begin(const SampleRequest& req);
  // Moves steps the job has pushed into `frames`; true if any arrived.
  bool drain();
  // Cancel: keeps the steps recorded so far; the job's later steps are dropped.
  void stop();
};

}  // namespace latentlab
