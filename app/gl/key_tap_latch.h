// Keeps a quick key tap from being lost. Dear ImGui 1.86 reads keys as a held/not-held array
// (io.KeysDown) once per frame. When a press and its release both arrive between two frames —
// a fast tap while a frame is slow, xdotool, a presenter's clicker — the array is back to "up"
// before any frame sees it, and the shortcut never fires. The latch holds such a release back
// until one frame has seen the key down, then delivers it at the start of the next frame;
// releases of other keys in the same poll (a chord's modifier) wait with it.
// No GLFW or ImGui here: the window feeds it events and forwards what it lets through.
#pragma once
#include <vector>

namespace latentlab::gl {

class KeyTapLatch {
 public:
  enum class Action { Press, Release, Repeat };
  // One key event from the window system. False: hold this release back (its press has not been
  // seen by a frame yet); the caller must not forward it now.
  bool pass(int key, Action action);
  // At the start of every frame, before ImGui reads its input: the releases to deliver now
  // (those held back before the previous frame started).
  std::vector<int> startFrame();
  // Releases are waiting for a frame: the caller should make one soon rather than sleep.
  bool holding() const { return !m_held.empty() || !m_due.empty(); }

 private:
  std::vector<int> m_pressedSinceFrame;  // pressed after the current frame started
  std::vector<int> m_held;               // releases of those, held back
  std::vector<int> m_due;                // releases to deliver at the next frame's start
};

}  // namespace latentlab::gl
