#include "app/tokens/token_grid_view.h"

#include <cmath>
#include <cstdio>

namespace latentlab {

namespace {
void hsv(int code, float& r, float& g, float& b) {
  // Neighbouring code numbers get far-apart hues, so two different codes rarely look alike.
  float h = std::fmod(float(code) * 0.618034f, 1.f);
  ImGui::ColorConvertHSVtoRGB(h, 0.55f, 0.80f, r, g, b);
}
}  // namespace

ImU32 codeColor(int code) {
  float r, g, b;
  hsv(code, r, g, b);
  return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, 1.f));
}

ImU32 codeTextColor(int code) {
  float r, g, b;
  hsv(code, r, g, b);
  return 0.299f * r + 0.587f * g + 0.114f * b > 0.55f ? IM_COL32(20, 20, 20, 255) : IM_COL32(250, 250, 250, 255);
}

void drawTokenGrid(ImDrawList* dl, ImVec2 p, float side, int rows, int cols, const std::vector<int>& grid,
                   const TokenGridStyle& style) {
  const float cw = side / float(cols), ch = side / float(rows);
  const float fs = ImGui::GetFontSize();
  dl->AddRectFilled(p, ImVec2(p.x + side, p.y + side), IM_COL32(30, 30, 36, 255));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const int i = r * cols + c;
      ImVec2 a(std::floor(p.x + cw * float(c)) + 1, std::floor(p.y + ch * float(r)) + 1);
      ImVec2 b(std::floor(p.x + cw * float(c + 1)) - 1, std::floor(p.y + ch * float(r + 1)) - 1);
      const int code = i < int(grid.size()) ? grid[size_t(i)] : -1;
      if (code >= 0) {
        dl->AddRectFilled(a, b, codeColor(code), 2.f);
        char txt[16];
        std::snprintf(txt, sizeof txt, "%d", code);
        ImVec2 ts = ImGui::CalcTextSize(txt);
        if (style.numbers && ts.x < (b.x - a.x) - 2 && fs < (b.y - a.y))
          dl->AddText(ImVec2(a.x + (b.x - a.x - ts.x) * 0.5f, a.y + (b.y - a.y - ts.y) * 0.5f), codeTextColor(code), txt);
      } else {
        // Not sampled yet: an empty cell.
        dl->AddRect(a, b, IM_COL32(90, 90, 100, 255), 2.f);
      }
      if (i == style.highlight) dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), IM_COL32(255, 170, 40, 255), 2.f, 0, 3.f);
      if (i == style.hovered) dl->AddRect(a, b, IM_COL32(255, 255, 255, 255), 2.f, 0, 2.f);
    }
}

void drawCodeBox(ImDrawList* dl, TextureSource& textures, const std::vector<Image>& codeImages, uint64_t version,
                 int code, ImVec2 p, float size, bool nearest) {
  ImVec2 q(p.x + size, p.y + size);
  ImTextureID tex = nullptr;
  if (code >= 0 && code < int(codeImages.size()))
    tex = textures.texture("code-" + std::to_string(code), codeImages[size_t(code)], version, nearest);
  if (tex) {
    dl->AddImage(tex, p, q);
    dl->AddRect(p, q, codeColor(code));
    return;
  }
  dl->AddRectFilled(p, q, code >= 0 ? codeColor(code) : IM_COL32(60, 60, 60, 255));
  char txt[16];
  std::snprintf(txt, sizeof txt, "%d", code);
  ImVec2 ts = ImGui::CalcTextSize(txt);
  if (ts.x < size) dl->AddText(ImVec2(p.x + (size - ts.x) * 0.5f, p.y + (size - ts.y) * 0.5f), codeTextColor(code), txt);
}

}  // namespace latentlab
