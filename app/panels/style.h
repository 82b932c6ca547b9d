// The app's look in one place: dark colours, rounding, opaque pop-ups and menus (text behind
// a see-through menu bled into it), all sizes scaled for the UI scale. Called by the app
// whenever the scale changes; tests call it to check the style. Touches only the style given.
#pragma once
#include <imgui.h>

namespace latentlab {

void applyAppStyle(ImGuiStyle& style, float scale);

}  // namespace latentlab
