// Codebook (issue 15): every code of a VQ-VAE's codebook as a picture (the grid filled with
// that one code), how often each is used in the tokens of the data set, and the codes'
// embedding vectors on their first two principal axes (a 2-D PCA map). Editing a token (the
// Tokens view's code popup) shows the same pictures. State and engine calls: TokenSession. Never calls the engine or GL itself.
#pragma once
#include <memory>

#include "app/panels/panel.h"
#include "app/tokens/token_session.h"

namespace latentlab {

class CodebookPanel : public Panel {
 public:
  explicit CodebookPanel(std::shared_ptr<TokenSession> session);

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawCodes(PanelContext& ctx, float height);
  void drawMap(PanelContext& ctx);

  std::shared_ptr<TokenSession> m_s;
  int m_tab = 0;
};

}  // namespace latentlab
