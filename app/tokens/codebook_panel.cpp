#include "app/tokens/codebook_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels/param_help.h"
#include "app/tokens/token_grid_view.h"

namespace latentlab {

CodebookPanel::CodebookPanel(std::shared_ptr<TokenSession> session)
    : Panel("codebook", "Codebook"), m_s(std::move(session)) {}

const char* CodebookPanel::notes() const {
  return "The codebook is the VQ-VAE's vocabulary: every token is one of these codes. Each picture shows the "
         "whole grid filled with one code, to give an idea of the pattern it stands for (a code's meaning "
         "also depends on its neighbours). The bar under a code is how often it appears in the tokens of the "
         "test images. The map places each code's learned vector on its two main directions (PCA): codes close "
         "together look alike.";
}

void CodebookPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  TokenSession& s = *m_s;
  s.update(ctx.jobs, ctx.state.dataSpec, ImGui::GetTime(), ImGui::GetFrameCount());
  if (!s.ready()) {
    ImGui::TextWrapped("Open a token model to see its codebook.");
    return;
  }
  s.askUsage();
  // Codes above the map when the column is tall enough for both, else one tab each.
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const int K = s.model()->codebookSize(), perRow = std::max(1, int(std::ceil(std::sqrt(double(K) * 2))));
  const float box = std::floor(avail.x / float(perRow));
  const float codesH = float((K + perRow - 1) / perRow) * (box + std::max(2.f, std::floor(fs * 0.25f)) + 2) +
                       ImGui::GetFrameHeightWithSpacing() + fs * 0.5f;
  if (avail.y - codesH >= fs * 12) {
    drawCodes(ctx, codesH);
    drawMap(ctx);
    return;
  }
  if (ImGui::BeginTabBar("##codebooktabs")) {
    if (ImGui::BeginTabItem("Codes")) {
      drawCodes(ctx, ImGui::GetContentRegionAvail().y);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("PCA map")) {
      drawMap(ctx);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
}

void CodebookPanel::drawCodes(PanelContext& ctx, float height) {
  TokenSession& s = *m_s;
  const TokenModel& m = *s.model();
  const float fs = ImGui::GetFontSize();
  const int K = m.codebookSize();
  const auto& usage = s.usage();
  int64_t total = 0, maxUse = 1, unused = 0;
  for (int64_t u : usage) total += u, maxUse = std::max(maxUse, u), unused += u == 0;
  if (usage.empty())
    ImGui::TextDisabled(s.usagePending() ? "%d codes; counting their use in the test images..." : "%d codes", K);
  else
    ImGui::Text("%d codes, %lld unused in %lld test images", K, (long long)unused, (long long)s.usageImages());
  itemHelp("tokens-usage");
  notesToggle(ctx), itemRect("notes");
  ImVec2 avail(ImGui::GetContentRegionAvail().x, height - ImGui::GetFrameHeightWithSpacing());
  // As many per row as fit with a square grid of the whole codebook (16 x 8 for 128 codes).
  int perRow = std::max(1, int(std::ceil(std::sqrt(double(K) * 2))));
  float box = std::floor(std::min(avail.x / float(perRow), (avail.y / float((K + perRow - 1) / perRow)) - fs * 0.35f));
  if (box < fs * 1.2f) {  // too small: fewer per row and scroll
    box = fs * 1.2f;
    perRow = std::max(1, int(avail.x / box));
  }
  const float barH = std::max(2.f, std::floor(fs * 0.25f));
  ImGui::BeginChild("##codes", ImVec2(0, std::max(fs * 3, avail.y)));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  for (int c = 0; c < K; ++c) {
    const int r = c / perRow, col = c % perRow;
    ImVec2 a(p0.x + float(col) * box, p0.y + float(r) * (box + barH + 2));
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(c);
    ImGui::InvisibleButton("##c", ImVec2(box - 1, box + barH));
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    drawCodeBox(dl, ctx.textures, s.codeImages(), s.codesVersion(), c, a, box - 2, ctx.state.nearestFilter);
    if (c < int(usage.size())) {
      const float w = (box - 2) * float(std::sqrt(double(usage[size_t(c)]) / double(maxUse)));
      dl->AddRectFilled(ImVec2(a.x, a.y + box - 1), ImVec2(a.x + w, a.y + box - 1 + barH), IM_COL32(120, 200, 255, 255));
    }
    if (hovered) {
      dl->AddRect(a, ImVec2(a.x + box - 2, a.y + box - 2), IM_COL32(255, 255, 255, 255), 0, 0, 2.f);
      ImGui::BeginTooltip();
      ImGui::Text("code %d", c);
      if (c < int(usage.size()) && total > 0)
        ImGui::Text("used %lld times (%.2f%% of all tokens)", (long long)usage[size_t(c)], 100.0 * double(usage[size_t(c)]) / double(total));
      ImGui::TextDisabled("to use it: click a token in the grid and pick it there");
      ImGui::EndTooltip();
    }
  }
  ImGui::EndChild();
}

void CodebookPanel::drawMap(PanelContext& ctx) {
  TokenSession& s = *m_s;
  const CodebookMap& map = s.codebookMap();
  const float fs = ImGui::GetFontSize();
  if (map.x.empty()) {
    ImGui::TextDisabled("computing...");
    return;
  }
  ImGui::Text("x: PC1 (%.0f%% of variance), y: PC2 (%.0f%%); dot size = use", map.varianceShare[0] * 100,
              map.varianceShare[1] * 100);
  itemHelp("tokens-code-map");
  ImVec2 avail = ImGui::GetContentRegionAvail();
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##codemap", ImVec2(std::max(avail.x, fs * 4), std::max(avail.y, fs * 4)));
  ctx.rects["codebook-map"] = ImVec4(p.x, p.y, avail.x, avail.y);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + avail.x, p.y + avail.y), IM_COL32(25, 25, 30, 255));
  float x0 = 1e30f, x1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
  for (size_t i = 0; i < map.x.size(); ++i)
    x0 = std::min(x0, map.x[i]), x1 = std::max(x1, map.x[i]), y0 = std::min(y0, map.y[i]), y1 = std::max(y1, map.y[i]);
  const float pad = fs * 1.2f;
  const float sx = (avail.x - 2 * pad) / std::max(1e-6f, x1 - x0), sy = (avail.y - 2 * pad) / std::max(1e-6f, y1 - y0);
  auto at = [&](size_t i) { return ImVec2(p.x + pad + (map.x[i] - x0) * sx, p.y + avail.y - pad - (map.y[i] - y0) * sy); };
  const auto& usage = s.usage();
  int64_t maxUse = 1;
  for (int64_t u : usage) maxUse = std::max(maxUse, u);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int near = -1;
  float best = fs * fs;
  for (size_t i = 0; i < map.x.size(); ++i) {
    ImVec2 q = at(i);
    float r = usage.size() > i ? 2.f + fs * 0.45f * float(std::sqrt(double(usage[i]) / double(maxUse))) : fs * 0.3f;
    dl->AddCircleFilled(q, r, codeColor(int(i)));
    float d = (q.x - mouse.x) * (q.x - mouse.x) + (q.y - mouse.y) * (q.y - mouse.y);
    if (hovered && d < best) best = d, near = int(i);
  }
  if (near >= 0) {
    ImVec2 q = at(size_t(near));
    dl->AddCircle(q, fs * 0.7f, IM_COL32(255, 255, 255, 255), 0, 2.f);
    ImGui::BeginTooltip();
    ImVec2 tp = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(fs * 4, fs * 4));
    drawCodeBox(ImGui::GetWindowDrawList(), ctx.textures, s.codeImages(), s.codesVersion(), near, tp, fs * 4,
                ctx.state.nearestFilter);
    ImGui::Text("code %d%s", near, usage.size() > size_t(near) ? (", used " + std::to_string(usage[size_t(near)]) + " times").c_str() : "");
    ImGui::EndTooltip();
  }
}

}  // namespace latentlab
