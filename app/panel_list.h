// The one place panels are registered. Adding a panel = its class (app/panels/<name>.h/.cpp)
// plus one entry in makePanels() saying where it goes for each kind of model. The app's View
// menu, layout, notes (F1), shortcuts and sessions all iterate this list; nothing else names
// a panel. tests/app/test_panel_list.cpp loops over every entry.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "app/layout.h"
#include "app/panels/panel.h"

namespace latentlab {

struct PanelEntry {
  std::unique_ptr<Panel> panel;
  std::function<Placement(ModelKind)> placement;  // Hidden: not shown for that kind of model
};

std::vector<PanelEntry> makePanels();

}  // namespace latentlab
