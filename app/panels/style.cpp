#include "app/panels/style.h"

namespace latentlab {

void applyAppStyle(ImGuiStyle& style, float scale) {
  style = ImGuiStyle();
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  // Pop-ups, menus, combo lists and tooltips sit over panels full of text and dots: fully
  // opaque, with a visible border, so nothing beneath shows through.
  ImVec4 popup(0.10f, 0.11f, 0.14f, 1.f);
  style.Colors[ImGuiCol_PopupBg] = popup;
  style.Colors[ImGuiCol_WindowBg].w = 1.f;  // panels overlap at small sizes: no bleed there either
  style.Colors[ImGuiCol_MenuBarBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.f);
  style.PopupBorderSize = 1;
  // Modal dialogs dim the window behind them rather than letting it compete.
  style.Colors[ImGuiCol_ModalWindowDimBg] = ImVec4(0.f, 0.f, 0.f, 0.55f);
  style.ScaleAllSizes(scale);
}

}  // namespace latentlab
