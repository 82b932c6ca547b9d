// Drawing helpers shared by the token panels: a code's colour, a token grid (one coloured cell
// per token with its code number; cells not sampled yet drawn empty and dashed), and a code's
// picture in a box. Draw-list only: no engine calls, no GL (textures come from TextureSource).
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

#include "app/texture_source.h"

namespace latentlab {

// A stable colour per code (golden-ratio hues), and a text colour readable on it.
ImU32 codeColor(int code);
ImU32 codeTextColor(int code);

struct TokenGridStyle {
  bool numbers = true;   // the code number in each cell (when it fits)
  int highlight = -1;    // a cell framed in orange (the next position, the edited cell)
  int hovered = -1;      // a cell framed in white
};

// Draws rows x cols cells filling [p, p + (side, side)); grid entries < 0 are not sampled.
void drawTokenGrid(ImDrawList* dl, ImVec2 p, float side, int rows, int cols, const std::vector<int>& grid,
                   const TokenGridStyle& style);

// The picture of a code (its uniform token field) in a square box, or its colour and number
// when there is no texture (headless, or not decoded yet).
void drawCodeBox(ImDrawList* dl, TextureSource& textures, const std::vector<Image>& codeImages, uint64_t version,
                 int code, ImVec2 p, float size, bool nearest);

}  // namespace latentlab
