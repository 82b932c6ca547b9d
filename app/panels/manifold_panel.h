// The manifold grid: a K x K grid of decodes over the visible part of the map (the classic
// "manifold" picture), shown in this panel and optionally over the map. Asks for the grid
// through UiRequests; never decodes itself.
#pragma once
#include "app/panels/panel.h"

namespace latentlab {

class ManifoldPanel : public Panel {
 public:
  ManifoldPanel() : Panel("manifold", "Manifold grid") {}

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;
};

}  // namespace latentlab
