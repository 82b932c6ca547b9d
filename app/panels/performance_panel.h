// Work per frame over the last seconds (a plot drawn with ImDrawList), decode latency, the two
// workers' queues, device and threads. Read-only: never changes state.
#pragma once
#include <string>

#include "app/panels/panel.h"

namespace latentlab {

class PerformancePanel : public Panel {
 public:
  PerformancePanel() : Panel("perf", "Performance") {}
  // The headline: work per frame when the app measures it, else the frame interval, said
  // as such. For tests: the headline and device line as last drawn.
  static std::string readout(const PerfStats& perf);
  const std::string& shownReadout() const { return m_readout; }
  const std::string& shownDevice() const { return m_device; }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  std::string m_readout, m_device;
};

}  // namespace latentlab
