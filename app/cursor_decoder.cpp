#include "app/cursor_decoder.h"

namespace latentlab {

bool CursorDecoder::update(const AppState& s, const std::function<void(std::vector<float>)>& send) {
  if (!s.hasCursor) return false;
  // A nonlinear map has no plane: the map panel's inverse blend is the cursor's latent.
  auto z = s.plane.origin.empty() ? s.mapLatent : s.plane.toLatent(s.cursorU, s.cursorV);
  if (z.empty()) return false;
  if (z == m_last && s.decodeClass == m_lastClass && s.snapToCodebook == m_lastSnap) return false;
  m_last = z;
  m_lastClass = s.decodeClass;
  m_lastSnap = s.snapToCodebook;
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
