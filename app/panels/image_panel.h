// The decoded image under the map cursor (nearest or bilinear display), and the selected
// data item beside its reconstruction. Reports the on-screen rectangle of the decoded image
// (ctx.rects["decoded"]) for screenshot checks. Never decodes anything itself.
#pragma once
#include "app/panels/panel.h"

namespace latentlab {

class ImagePanel : public Panel {
 public:
  ImagePanel() : Panel("image", "Decoded image") {}

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;
};

}  // namespace latentlab
