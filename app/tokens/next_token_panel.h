// Next token (issue 15): at the Tokens view's current position, the transformer's distribution
// over the codes as bars for the 16 most likely, each with its code's picture; the model's
// probability and the probability after temperature side by side, the codes cut by top-k /
// top-p greyed, the kept mass; temperature, top-k, top-p and greedy change the bars at once
// (and every token drawn from then on). Below: greedy and beam search (width 1-8), the beams
// side by side with their log-probabilities. State and engine calls: TokenSession. Never
// calls the engine or GL itself.
#pragma once
#include <memory>

#include "app/panels/panel.h"
#include "app/tokens/token_session.h"

namespace latentlab {

class NextTokenPanel : public Panel {
 public:
  explicit NextTokenPanel(std::shared_ptr<TokenSession> session);
  // The distribution the bars show this frame (null: none), for tests.
  const NextTokenView* shownView() const { return m_s->next(); }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawSliders(PanelContext& ctx);
  void drawBars(PanelContext& ctx, float height);
  void drawBeams(PanelContext& ctx, bool defaultOpen);

  std::shared_ptr<TokenSession> m_s;
};

}  // namespace latentlab
