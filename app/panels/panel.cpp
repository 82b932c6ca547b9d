#include "app/panels/panel.h"

#include <algorithm>

namespace latentlab {

void Panel::draw(PanelContext& ctx, bool relayout) {
  if (!open) return;
  ImGui::SetNextWindowPos(m_pos, relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(m_size, relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver);
  std::string label = m_title + "###" + m_id;
  if (ImGui::Begin(label.c_str(), &open, flags() | ImGuiWindowFlags_NoCollapse)) {
    bool& show = ctx.state.showNotes[m_id];
    // The notes toggle sits at the right end of the first line of every panel.
    float w = ImGui::CalcTextSize("Notes").x + ImGui::GetStyle().FramePadding.x * 4;
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - w));
    if (ImGui::SmallButton(show ? "Hide notes" : "Notes")) show = !show;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("What am I looking at?");
    if (show) {
      ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.16f, 0.2f, 0.28f, 1.f));
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(0.85f, 0.9f, 1.f, 1.f), "%s", notes());
      ImGui::PopTextWrapPos();
      ImGui::PopStyleColor();
      ImGui::Separator();
    }
    drawContent(ctx);
  }
  ImGui::End();
}

}  // namespace latentlab
