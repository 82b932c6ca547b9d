// GuiApp's panel list: which panels a model kind shows, their layout, and their part of a
// session. Split from gui_app.cpp (the frame, requests and the window live there).
#include <imgui.h>

#include <nlohmann/json.hpp>

#include "app/gui_app.h"

namespace latentlab {

Panel* GuiApp::panel(const std::string& id) const {
  for (auto& e : m_panels)
    if (e.panel->id() == id) return e.panel.get();
  return nullptr;
}

ModelKind GuiApp::modelKind() const {
  const DiffusionInfo* d = m_engine.diffusion();
  if (d) return m_engine.model() ? ModelKind::LatentDiffusion : ModelKind::PixelDiffusion;
  if (m_engine.tokenModel()) return ModelKind::Tokens;
  if (m_engine.model() && !m_engine.model()->hasEncoder) return ModelKind::Gan;
  return m_engine.model() ? ModelKind::Autoencoder : ModelKind::None;
}

std::vector<Panel*> GuiApp::shownPanels() const {
  std::vector<Panel*> out;
  ModelKind kind = modelKind();
  for (auto& e : m_panels)
    if (e.placement(kind).role != PanelRole::Hidden) out.push_back(e.panel.get());
  return out;
}

void GuiApp::applyLayout(float width, float height) {
  LayoutInput in;
  in.width = width;
  in.height = height;
  in.top = ImGui::GetFrameHeight();  // the main menu bar
  in.fontSize = ImGui::GetFontSize();
  ModelKind kind = modelKind();
  for (auto& e : m_panels) in.items.push_back({e.panel->id(), e.placement(kind), e.panel->open});
  m_layout = computeLayout(in);
  for (auto& e : m_panels) {
    auto it = m_layout.find(e.panel->id());
    if (it != m_layout.end())
      e.panel->setPlacement(ImVec2(it->second.x, it->second.y), ImVec2(it->second.w, it->second.h));
  }
  m_laidOut = ImVec2(width, height);
  m_openLaidOut.clear();
  for (auto& e : m_panels) m_openLaidOut.push_back(e.panel->open);
}

void GuiApp::resetLayout() {
  for (auto& e : m_panels) e.panel->open = e.placement(modelKind()).startsOpen;
  m_relayout = true;
}

void GuiApp::collectPanelState() {
  for (auto& e : m_panels) {
    nlohmann::json j = nlohmann::json::object();
    e.panel->saveState(j);
    j["open"] = e.panel->open;
    m_state.panels[e.panel->id()] = j;
  }
}

void GuiApp::restorePanelState() {
  std::vector<std::string> warnings;
  for (auto& e : m_panels) {
    auto it = m_state.panels.find(e.panel->id());
    if (it == m_state.panels.end()) {
      e.panel->open = e.placement(modelKind()).startsOpen;
      continue;
    }
    const nlohmann::json& j = it->second;
    e.panel->open = j.value("open", true);
    try {
      e.panel->restoreState(j, warnings);
    } catch (const std::exception& ex) {  // a panel's reader must not end the program
      warnings.push_back("session: panels." + e.panel->id() + ": " + ex.what());
    }
  }
  for (auto& w : warnings) m_messages.error(w);
  m_relayout = true;
}

}  // namespace latentlab
