// Turns the cursor in AppState into decode requests: one request per changed latent, at most
// one per frame (changes within a frame coalesce), none while nothing moves. Also tracks the
// selection so a click asks for exactly one reconstruction. Headless-testable.
#pragma once
#include <functional>
#include <vector>

#include "app/app_state.h"

namespace latentlab {

class CursorDecoder {
 public:
  // Calls send(latent) when the cursor's latent (or the class it is drawn as, or whether a VQ
  // model snaps it to its codebook) differs from
  // the last one sent.
  bool update(const AppState& s, const std::function<void(std::vector<float>)>& send);
  // Calls send(index) when the selection changed.
  bool updateSelection(const AppState& s, const std::function<void(int64_t)>& send);
  void reset() {
    m_last.clear();
    m_lastSelected = -2;
  }
  uint64_t sent() const { return m_sent; }

 private:
  std::vector<float> m_last;
  int m_lastClass = -1;  // AppState::decodeClass sent with m_last
  bool m_lastSnap = true;  // AppState::snapToCodebook then (a VQ model decodes it differently)
  int64_t m_lastSelected = -2;
  uint64_t m_sent = 0;
};

}  // namespace latentlab
