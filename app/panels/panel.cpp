#include "app/panels/panel.h"

#include <algorithm>

namespace latentlab {

void Panel::draw(PanelContext& ctx, bool relayout) {
  if (!open) return;
  ImGui::SetNextWindowPos(m_pos, relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(m_size, relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver);
  std::string label = m_title + "###" + m_id;
  if (ImGui::Begin(label.c_str(), &open, flags() | ImGuiWindowFlags_NoCollapse)) {
    // Where the window really is (tests check that nothing is clipped or overlaps).
    ImVec2 p = ImGui::GetWindowPos(), s = ImGui::GetWindowSize();
    ctx.rects["window:" + m_id] = ImVec4(p.x, p.y, s.x, s.y);
    bool show = ctx.state.showNotes[m_id];
    if (show) {
      ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.16f, 0.2f, 0.28f, 1.f));
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(0.85f, 0.9f, 1.f, 1.f), "%s", notes());
      ImGui::PopTextWrapPos();
      ImGui::PopStyleColor();
      ImGui::Separator();
    }
    if (locked) ImGui::BeginDisabled();
    drawContent(ctx);
    if (locked) {
      ImGui::EndDisabled();
      if (ImGui::IsWindowHovered(ImGuiHoveredFlags_RootAndChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem))
        ImGui::SetTooltip("Locked by the lesson: this step does not use these controls (untick Presenter to use them)");
    }
  }
  ImGui::End();
}

void Panel::notesToggle(PanelContext& ctx) {
  bool& show = ctx.state.showNotes[m_id];
  const char* label = show ? "Hide notes" : "Notes";
  float w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
  float target = ImGui::GetWindowContentRegionMax().x - w;
  float lastEnd = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetStyle().ItemSpacing.x;
  // On the same row when it fits; otherwise on its own row, still right-aligned.
  if (lastEnd <= target) ImGui::SameLine(target);
  else ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), target));
  if (ImGui::SmallButton(label)) show = !show;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("What am I looking at?");
}

}  // namespace latentlab
