// A toolbar row that wraps: each item goes on the same line as the one before when it fits
// in the window, else it starts a new line. At a large UI scale or in a narrow window no
// control is pushed out of sight (the map toolbar lost Fit and Dot size at 2x). Widths are
// computed before drawing from the current style and font.
#pragma once
#include <imgui.h>

namespace latentlab {

class FlowRow {
 public:
  // Call before each item with its full width (label included).
  void next(float width) {
    if (!m_first) {
      const ImGuiStyle& st = ImGui::GetStyle();
      float x = ImGui::GetItemRectMax().x + st.ItemSpacing.x;
      float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
      if (x + width <= right) ImGui::SameLine();
    }
    m_first = false;
  }

  // Widths of common items: a frame of width `frame` followed by its label, a button, a small
  // button, a check box or radio button with its label.
  static float labeled(float frame, const char* label) {
    float text = ImGui::CalcTextSize(label, nullptr, true).x;
    return frame + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
  }
  static float button(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
  }
  static float smallButton(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
  }
  static float check(const char* label) { return labeled(ImGui::GetFrameHeight(), label); }
  static float text(const char* s) { return ImGui::CalcTextSize(s).x; }

 private:
  bool m_first = true;
};

}  // namespace latentlab
