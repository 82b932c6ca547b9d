// The Tokens view (issue 15): a vq-autoregressive model's 7 x 7 token grid beside the image
// decoded from it, generated one token at a time: Run (Enter), Step (Shift+Enter), Continue,
// Cancel (Esc), a timeline over the recorded steps (Left/Right), "Resample from here" (keep
// the shown prefix, redraw the rest with the current class and settings), a class picker,
// editing a token (click a cell, pick a code) and encoding a data image into tokens. The
// shared state and every engine call live in TokenSession (app/tokens/token_session.h); this
// panel never calls the engine and never touches GL.
#pragma once
#include <memory>

#include "app/panels/panel.h"
#include "app/tokens/token_session.h"

namespace latentlab {

class TokensPanel : public Panel {
 public:
  explicit TokensPanel(std::shared_ptr<TokenSession> session);
  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;
  bool onShortcut(ShortcutId id, PanelContext& ctx) override;
  TokenSession& session() { return *m_s; }
  int editing() const { return m_editCell; }  // the cell whose code popup is open (-1: none)

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawToolbar(PanelContext& ctx);
  void drawGridAndImage(PanelContext& ctx);
  void drawTimeline(PanelContext& ctx);
  void drawCodePopup(PanelContext& ctx);

  std::shared_ptr<TokenSession> m_s;
  int m_editCell = -1;
  int m_encodeIndex = 0;
};

}  // namespace latentlab
