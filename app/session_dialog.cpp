#include "app/session_dialog.h"

#include <imgui.h>

#include <cstdio>

namespace latentlab {

void SessionDialog::setPath(const std::string& path) { std::snprintf(m_path, sizeof(m_path), "%s", path.c_str()); }

std::optional<SessionDialog::Choice> SessionDialog::draw() {
  const char* id = "Session file";
  if (m_request) {
    m_mode = *m_request;
    m_request.reset();
    m_focus = true;
    ImGui::OpenPopup(id);
  }
  std::optional<Choice> out;
  m_visible = ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  if (!m_visible) return out;
  bool save = m_mode == Mode::Save;
  ImGui::TextUnformatted(save ? "Save the session to:" : "Open the session from:");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
  if (m_focus) {
    ImGui::SetKeyboardFocusHere();
    m_focus = false;
  }
  bool enter = ImGui::InputText("##path", m_path, sizeof(m_path), ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A path relative to the folder LatentLab started in, or absolute");
  if (ImGui::Button(save ? "Save" : "Open") || enter) {
    out = Choice{m_mode, m_path};
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
  return out;
}

}  // namespace latentlab
