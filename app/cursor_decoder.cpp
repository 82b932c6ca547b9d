#include "app/cursor_decoder.h"

namespace latentlab {

bool CursorDecoder::update(const AppState& s, const std::function<void(std::vector<float>)>& send) {
  if (!s.hasCursor || s.plane.origin.empty()) return false;
  auto z = s.plane.toLatent(s.cursorU, s.cursorV);
  if (z == m_last) return false;
  m_last = z;
  ++m_sent;
  send(std::move(z));
  return true;
}

bool CursorDecoder::updateSelection(const AppState& s, const std::function<void(int64_t)>& send) {
  if (s.selected == m_lastSelected) return false;
  m_lastSelected = s.selected;
  if (s.selected >= 0) send(s.selected);
  return true;
}

}  // namespace latentlab
