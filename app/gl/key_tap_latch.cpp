#include "app/gl/key_tap_latch.h"

#include <algorithm>

namespace latentlab::gl {

namespace {
bool contains(const std::vector<int>& v, int key) { return std::find(v.begin(), v.end(), key) != v.end(); }
void addOnce(std::vector<int>& v, int key) {
  if (!contains(v, key)) v.push_back(key);
}
}  // namespace

bool KeyTapLatch::pass(int key, Action action) {
  switch (action) {
    case Action::Press:
      // A second press of a key whose release is held back merges into the first tap: the key
      // is still down for ImGui, and the held release comes after a frame as before.
      if (contains(m_held, key) || contains(m_due, key)) return false;
      addOnce(m_pressedSinceFrame, key);
      return true;
    case Action::Release:
      // Held back while any press is still unseen, not only this key's: in a chord whose
      // modifier went down a frame earlier (Ctrl, a frame, then M down, M up, Ctrl up) the
      // Ctrl release must wait with M's, or the frame sees M without Ctrl.
      if (!m_pressedSinceFrame.empty() || !m_held.empty() || contains(m_due, key)) {
        addOnce(m_held, key);
        return false;
      }
      return true;
    case Action::Repeat:
      return true;
  }
  return true;
}

std::vector<int> KeyTapLatch::startFrame() {
  std::vector<int> now;
  now.swap(m_due);
  // What was held back during the last poll is delivered after this frame has seen it down.
  m_due.swap(m_held);
  m_pressedSinceFrame.clear();
  return now;
}

}  // namespace latentlab::gl
