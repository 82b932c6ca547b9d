// Frame time over the last seconds (a plot drawn with ImDrawList), decode latency, the two
// workers' queues, device and threads. Read-only: never changes state.
#pragma once
#include "app/panels/panel.h"

namespace latentlab {

class PerformancePanel : public Panel {
 public:
  PerformancePanel() : Panel("perf", "Performance") {}

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;
};

}  // namespace latentlab
