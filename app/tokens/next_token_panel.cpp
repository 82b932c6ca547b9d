#include "app/tokens/next_token_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"
#include "app/tokens/token_grid_view.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

NextTokenPanel::NextTokenPanel(std::shared_ptr<TokenSession> session)
    : Panel("next-token", "Next token"), m_s(std::move(session)) {}

const char* NextTokenPanel::notes() const {
  return "Before each token the transformer gives every code a probability (grey outline). Temperature "
         "reshapes them: below 1 the likely codes get likelier, above 1 the distribution flattens (filled "
         "bar). Top-k keeps only the k most likely codes, top-p the smallest set whose probability adds up to "
         "p; the cut codes are greyed and can no longer be drawn. Greedy always takes the most likely code. "
         "Beam search keeps the few most likely whole grids: they are very probable but often dull or blank, "
         "which is why pictures are sampled rather than taken at the maximum.";
}

void NextTokenPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  TokenSession& s = *m_s;
  s.update(ctx.jobs, ctx.state.dataSpec, ImGui::GetTime(), ImGui::GetFrameCount());
  if (!s.ready()) {
    ImGui::TextWrapped("Open a token model to see its next-token probabilities.");
    return;
  }
  if (!s.model()->canSample()) {
    ImGui::TextWrapped("This bundle has no prior (it is a tokeniser only): there is no next-token distribution.");
    return;
  }
  drawSliders(ctx);
  const float fs = ImGui::GetFontSize();
  // Where the bars are, over the whole width (the bars' column is narrower).
  if (const NextTokenView* v = s.next(); v && s.shown() < s.length()) {
    const TokenModel& m = *s.model();
    ImGui::TextWrapped("Token %d (row %d, column %d): %d of %d codes kept, %.1f%% of the probability", v->position + 1,
                v->position / m.cols() + 1, v->position % m.cols() + 1, v->keptCount, m.codebookSize(),
                v->keptMass * 100.0);
    itemHelp("tokens-kept-mass");
  }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  if (avail.x > fs * 44) {
    // Wide (the main area): the bars on the left, the beams beside them.
    const float barsW = std::floor(avail.x * 0.58f);
    ImGui::BeginChild("##bars", ImVec2(barsW, avail.y), false, ImGuiWindowFlags_NoScrollbar);
    drawBars(ctx, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    ImGui::SameLine(0, fs);
    ImGui::BeginChild("##beams", ImVec2(0, avail.y), false);
    drawBeams(ctx, true);
    ImGui::EndChild();
    return;
  }
  // Narrow (a small window, a large scale): the beams start folded so the bars keep the room.
  const bool beamsOpen = ImGui::GetStateStorage()->GetInt(ImGui::GetID("beams-open"), 0) != 0;
  const float beamsH = beamsOpen ? std::min(fs * 11.5f, avail.y * 0.42f) : fs * 1.8f;
  drawBars(ctx, std::max(fs * 6, avail.y - beamsH));
  drawBeams(ctx, false);
}

void NextTokenPanel::drawSliders(PanelContext& ctx) {
  TokenSession& s = *m_s;
  const float fs = ImGui::GetFontSize();
  TokenSettings& t = s.settings;
  float w = std::max(fs * 6, (ImGui::GetContentRegionAvail().x - fs * 22) / 3);
  FlowRow row;
  row.next(FlowRow::labeled(w, "temperature"));
  ImGui::SetNextItemWidth(w);
  float temp = float(t.temperature);
  if (ImGui::SliderFloat("temperature", &temp, 0.05f, 2.f, "%.2f")) t.temperature = temp;
  itemHelp("tokens-temperature");
  row.next(FlowRow::labeled(w, "top-k"));
  ImGui::SetNextItemWidth(w);
  int k = t.topK;
  if (ImGui::SliderInt("top-k", &k, 0, s.model()->codebookSize(), k == 0 ? "off" : "%d")) t.topK = std::max(0, k);
  itemHelp("tokens-top-k");
  row.next(FlowRow::labeled(w, "top-p"));
  ImGui::SetNextItemWidth(w);
  float p = float(t.topP);
  if (ImGui::SliderFloat("top-p", &p, 0.05f, 1.f, p >= 1.f ? "off" : "%.2f")) t.topP = p;
  itemHelp("tokens-top-p");
  row.next(FlowRow::check("greedy"));
  ImGui::Checkbox("greedy", &t.greedy);
  itemHelp("tokens-greedy");
  notesToggle(ctx), itemRect("notes");
}

void NextTokenPanel::drawBars(PanelContext& ctx, float height) {
  TokenSession& s = *m_s;
  const float fs = ImGui::GetFontSize();
  const NextTokenView* v = s.next();
  const TokenModel& m = *s.model();
  if (s.shown() >= s.length()) {
    ImGui::TextWrapped("The grid is complete. Move the timeline back (Left arrow) to see the distribution any token "
                       "was drawn from.");
    ImGui::Dummy(ImVec2(1, std::max(0.f, height - fs * 2.6f)));
    return;
  }
  if (!v) {
    ImGui::TextDisabled("computing the distribution...");
    ImGui::Dummy(ImVec2(1, std::max(0.f, height - fs * 1.4f)));
    return;
  }
  const int pos = v->position;
  const int drawn = pos < s.recorded() ? s.record()[size_t(pos)] : -1;  // what the record drew there
  const float w = ImGui::GetContentRegionAvail().x;
  const float textW = ImGui::CalcTextSize("100.0%  100.0%").x + fs * 0.5f;
  {
    // Column heads: what the outline and the filled bar are, and the two numbers.
    ImVec2 hp = ImGui::GetCursorScreenPos();
    char head[64];
    std::snprintf(head, sizeof head, "T %.2f", s.settings.greedy ? 0.0 : s.settings.temperature);
    ImGui::TextDisabled("code   outline: model   filled: after temperature");
    ImDrawList* hd = ImGui::GetWindowDrawList();
    const ImU32 grey = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    hd->AddText(ImVec2(hp.x + w - textW + fs * 0.4f, hp.y), grey, "model");
    hd->AddText(ImVec2(hp.x + w - ImGui::CalcTextSize(head).x, hp.y), grey, head);
  }
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float h = std::max(fs * 4, height - fs * 3.0f);
  ImGui::InvisibleButton("##nextbars", ImVec2(w, h));
  ctx.rects["next-bars"] = ImVec4(p0.x, p0.y, w, h);
  const bool hoveredArea = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // 16 rows when they fit at a readable height, else as many as do (a small window, a large scale).
  const int all = int(v->tokens.size());
  const bool fits = int(h / (fs + 2)) >= all;
  const float rowsH = fits ? h : h - fs;  // else one line under the rows says how many are shown
  const int n = fits ? all : std::max(1, int(rowsH / (fs + 2)));
  const float rowH = std::floor(std::min(rowsH / float(n), fs * 2.2f));
  const float thumb = std::max(4.f, rowH - 2);
  const float labelW = ImGui::CalcTextSize("128").x + fs * 0.5f;
  const float barX = p0.x + thumb + fs * 0.4f + labelW;
  const float barW = std::max(fs * 3, w - (barX - p0.x) - textW);
  float maxP = 1e-6f;
  for (int i = 0; i < n; ++i) maxP = std::max({maxP, v->probModel[size_t(i)], v->probTempered[size_t(i)]});
  const float scale = barW / maxP;  // the largest bar fills the width (bars stay comparable within a step)
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int i = 0; i < n; ++i) {
    const int code = v->tokens[size_t(i)];
    const bool kept = v->kept[size_t(i)];
    const float y = p0.y + rowH * float(i);
    drawCodeBox(dl, ctx.textures, s.codeImages(), s.codesVersion(), code, ImVec2(p0.x, y + 1), thumb, ctx.state.nearestFilter);
    if (!kept) dl->AddRectFilled(ImVec2(p0.x, y + 1), ImVec2(p0.x + thumb, y + 1 + thumb), IM_COL32(20, 20, 20, 160));
    char label[16];
    std::snprintf(label, sizeof label, "%d", code);
    const ImU32 textCol = kept ? IM_COL32(230, 230, 230, 255) : IM_COL32(120, 120, 120, 255);
    dl->AddText(ImVec2(p0.x + thumb + fs * 0.3f, y + (rowH - fs) * 0.5f), textCol, label);
    const float tw = v->probTempered[size_t(i)] * scale, mw = v->probModel[size_t(i)] * scale;
    const float by = y + rowH * 0.15f, bh = rowH * 0.7f;
    dl->AddRectFilled(ImVec2(barX, by), ImVec2(barX + tw, by + bh), kept ? codeColor(code) : IM_COL32(85, 85, 90, 255));
    dl->AddRect(ImVec2(barX, by), ImVec2(barX + std::max(1.f, mw), by + bh), IM_COL32(200, 200, 200, 200));
    char a[24], b[24];
    std::snprintf(a, sizeof a, "%.1f%%", v->probModel[size_t(i)] * 100.0);
    std::snprintf(b, sizeof b, "%.1f%%", v->probTempered[size_t(i)] * 100.0);
    dl->AddText(ImVec2(barX + barW + fs * 0.4f, y + (rowH - fs) * 0.5f), textCol, a);
    dl->AddText(ImVec2(p0.x + w - ImGui::CalcTextSize(b).x, y + (rowH - fs) * 0.5f), textCol, b);
    if (code == drawn) dl->AddRect(ImVec2(p0.x - 1, y), ImVec2(p0.x + w, y + rowH), IM_COL32(255, 170, 40, 255), 2.f, 0, 2.f);
    if (hoveredArea && mouse.y >= y && mouse.y < y + rowH) {
      ImGui::BeginTooltip();
      ImGui::Text("code %d: %.2f%% from the model, %.2f%% after temperature, %.2f%% drawn with", code,
                  v->probModel[size_t(i)] * 100.0, v->probTempered[size_t(i)] * 100.0, v->probSampled[size_t(i)] * 100.0);
      if (!kept) ImGui::TextDisabled("cut by top-k / top-p: it cannot be drawn");
      if (code == drawn) ImGui::TextDisabled("this is the code the grid drew here");
      ImGui::EndTooltip();
    }
  }
  if (!fits) {
    char more[64];
    std::snprintf(more, sizeof more, "the top %d of %d shown (a taller panel shows all)", n, all);
    dl->AddText(ImVec2(p0.x, p0.y + rowH * float(n)), IM_COL32(160, 160, 160, 255), more);
  }
  if (s.nextPending()) dl->AddText(ImVec2(p0.x + w - ImGui::CalcTextSize("updating").x, p0.y), IM_COL32(160, 160, 160, 255), "updating");
}

void NextTokenPanel::drawBeams(PanelContext& ctx, bool defaultOpen) {
  TokenSession& s = *m_s;
  const float fs = ImGui::GetFontSize();
  ImGuiStorage* st = ImGui::GetStateStorage();
  const ImGuiID openId = ImGui::GetID("beams-open");
  ImGui::SetNextItemOpen(st->GetInt(openId, defaultOpen ? 1 : 0) != 0, ImGuiCond_Once);
  const bool open = ImGui::CollapsingHeader("Greedy and beam search");
  itemHelp("tokens-beams");
  st->SetInt(openId, open ? 1 : 0);
  if (!open) return;
  FlowRow row;
  row.next(FlowRow::labeled(fs * 6, "beam width"));
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderInt("beam width", &s.beamWidth, 1, 8);
  itemHelp("tokens-beam-width");
  row.next(FlowRow::button("Search"));
  ImGui::BeginDisabled(s.beamsPending());
  if (ImGui::Button(s.beamWidth == 1 ? "Greedy" : "Search")) s.searchBeams();
  itemHelp("tokens-beam-search");
  ImGui::EndDisabled();
  if (s.beamsPending()) {
    ImGui::SameLine();
    ImGui::TextDisabled("searching...");
  }
  const auto& beams = s.beams();
  if (beams.empty()) {
    if (!s.beamsPending())
      ImGui::TextWrapped("Search finds the most likely whole grids from the shown tokens on (width 1 = greedy: always "
                         "the top code). Compare them with sampled grids: the most likely grid is rarely the best picture.");
    return;
  }
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = fs * 0.5f;
  // One row when they fit at a readable size, else wrapped.
  float box = std::floor(std::min(fs * 6.f, (avail + gap) / float(beams.size()) - gap));
  if (box < fs * 3.5f) box = std::floor(std::min(fs * 6.f, (avail + gap) / float((beams.size() + 1) / 2) - gap));
  const int perRow = std::max(1, int((avail + gap) / (box + gap)));
  const int nRows = (int(beams.size()) + perRow - 1) / perRow;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p = ImGui::GetCursorScreenPos();
  for (size_t i = 0; i < beams.size(); ++i) {
    ImVec2 a(p.x + float(int(i) % perRow) * (box + gap), p.y + float(int(i) / perRow) * (box + fs * 1.4f));
    if (i < s.beamImages().size()) {
      const Image& img = s.beamImages()[i];
      ImTextureID tex = ctx.textures.texture("beam-" + std::to_string(i), img, s.beamsVersion(), ctx.state.nearestFilter);
      if (tex) dl->AddImage(tex, a, ImVec2(a.x + box, a.y + box));
      else dl->AddRect(a, ImVec2(a.x + box, a.y + box), IM_COL32(120, 120, 130, 255));
    }
    char txt[32];
    std::snprintf(txt, sizeof txt, "%.1f", beams[i].logProb);
    dl->AddText(ImVec2(a.x, a.y + box + 2), IM_COL32(220, 220, 220, 255), txt);
  }
  ImGui::Dummy(ImVec2(avail, float(nRows) * (box + fs * 1.4f)));
  ImGui::TextWrapped("log p of each whole grid (higher = more likely), %s", s.beamsFor.c_str());
}

}  // namespace latentlab
