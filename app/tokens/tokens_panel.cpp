#include "app/tokens/tokens_panel.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"
#include "app/tokens/token_grid_view.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

TokensPanel::TokensPanel(std::shared_ptr<TokenSession> session) : Panel("tokens", "Tokens"), m_s(std::move(session)) {}

const char* TokensPanel::notes() const {
  return "A VQ-VAE turns a picture into a 7 x 7 grid of tokens: each token is the number of one entry of a "
         "codebook, a small learned patch pattern. A transformer (like a language model) then writes a new "
         "grid one token at a time, left to right and top to bottom: at every step it gives each of the "
         "codes a probability, and one is drawn at random from them (see Next token). The decoder turns the "
         "grid into the picture on the right. Tokens not drawn yet are filled with the tokens of a blank "
         "(black) picture, so a half-written grid shows a half-drawn piece of clothing.";
}

void TokensPanel::saveState(nlohmann::json& out) const { m_s->save(out); }
void TokensPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  m_s->restore(in, warnings);
}

bool TokensPanel::onShortcut(ShortcutId id, PanelContext&) {
  if (!m_s->ready() || !m_s->model()->canSample()) return false;
  if (id == ShortcutId::RunSample) {
    if (m_s->recorded() > 0 && m_s->recorded() < m_s->length() && !m_s->playing()) m_s->continueRun();
    else m_s->run();
    return true;
  }
  if (id == ShortcutId::StepSample) {
    m_s->step();
    return true;
  }
  return false;
}

void TokensPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  m_s->update(ctx.jobs, ctx.state.dataSpec, ImGui::GetTime(), ImGui::GetFrameCount());
  if (!m_s->ready()) {
    ImGui::TextWrapped("Open a token model (e.g. assets/models/fashion-vq) to write pictures one token at a time.");
    return;
  }
  if (m_s->playing() || m_s->busy()) ctx.state.animating = true;  // keep frames coming while tokens appear
  drawToolbar(ctx);
  drawGridAndImage(ctx);
  drawTimeline(ctx);
  drawCodePopup(ctx);
  // Left/Right scrub the timeline, Esc stops (only while this view has the focus and no field is typed in).
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !io.WantTextInput && !io.KeyCtrl &&
      !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) m_s->setShown(m_s->shown() - 1);
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) m_s->setShown(m_s->shown() + 1);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE) && (m_s->playing() || m_s->busy())) m_s->cancel();
}

void TokensPanel::drawToolbar(PanelContext& ctx) {
  TokenSession& s = *m_s;
  const float fs = ImGui::GetFontSize();
  const TokenModel& m = *s.model();
  const bool canSample = m.canSample();
  auto names = m.classNames();
  FlowRow row;  // wraps in a narrow window instead of pushing controls out of sight
  if (m.numClasses() > 0) {
    row.next(fs * 8);
    ImGui::SetNextItemWidth(fs * 8);
    std::string shown = s.cls < int(names.size()) ? names[size_t(s.cls)] : "class " + std::to_string(s.cls);
    if (ImGui::BeginCombo("##tokclass", shown.c_str())) {
      for (int c = 0; c < m.numClasses(); ++c) {
        std::string name = c < int(names.size()) ? names[size_t(c)] : "class " + std::to_string(c);
        if (ImGui::Selectable(name.c_str(), c == s.cls)) s.cls = c;
      }
      ImGui::EndCombo();
    }
    itemHelp("tokens-class");
  }
  ImGui::BeginDisabled(!canSample);
  row.next(FlowRow::button("Run"));
  if (ImGui::Button("Run")) s.run();
  itemHelp("tokens-run");
  ImGui::BeginDisabled(s.recorded() >= s.length() && s.shown() >= s.length());
  row.next(FlowRow::button("Step"));
  if (ImGui::Button("Step")) s.step();
  itemHelp("tokens-step");
  row.next(FlowRow::button("Continue"));
  if (ImGui::Button("Continue")) s.continueRun();
  itemHelp("tokens-continue");
  ImGui::EndDisabled();
  ImGui::BeginDisabled(!s.playing() && !s.busy());
  row.next(FlowRow::button("Cancel"));
  if (ImGui::Button("Cancel")) s.cancel();
  itemHelp("tokens-cancel");
  ImGui::EndDisabled();
  ImGui::EndDisabled();
  row.next(FlowRow::labeled(fs * 6.5f, "seed"));
  ImGui::SetNextItemWidth(fs * 6.5f);
  int seed = int(s.seed);
  if (ImGui::InputInt("seed", &seed)) s.seed = uint64_t(std::max(0, seed));
  itemHelp("tokens-seed");
  row.next(FlowRow::check("keep"));
  ImGui::Checkbox("keep", &s.keepSeed);
  itemHelp("tokens-keep-seed");
  row.next(FlowRow::labeled(fs * 5, "speed"));
  ImGui::SetNextItemWidth(fs * 5);
  float speed = float(s.speed);
  if (ImGui::SliderFloat("speed", &speed, 1.f, 100.f, "%.0f/s", ImGuiSliderFlags_Logarithmic)) s.speed = speed;
  itemHelp("tokens-speed");
  // A data image's tokens, to look at and edit (on the same wrapping row: the grid keeps the height).
  row.next(FlowRow::labeled(fs * 6.5f, "image"));
  ImGui::SetNextItemWidth(fs * 6.5f);
  ImGui::InputInt("image", &m_encodeIndex);
  m_encodeIndex = std::max(0, m_encodeIndex);
  std::string from = "Test image number, from " + ctx.state.dataSpec + ".";
  itemHelp("tokens-encode-index", from.c_str());
  row.next(FlowRow::button("Encode"));
  ImGui::BeginDisabled(s.encodePending());
  if (ImGui::Button("Encode")) s.encodeItem(m_encodeIndex);
  itemHelp("tokens-encode", from.c_str());
  ImGui::EndDisabled();
  notesToggle(ctx), itemRect("notes");

  // What is shown, in words.
  const int n = s.shown(), L = s.length();
  std::string where = n >= L ? "complete" : "next: token " + std::to_string(n + 1) + " (row " + std::to_string(n / m.cols() + 1) +
                                                ", column " + std::to_string(n % m.cols() + 1) + ")";
  ImGui::Text("%d of %d tokens  |  %s  |  %s", n, L, where.c_str(), s.source().empty() ? "empty grid" : s.source().c_str());
  if (!canSample) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "  (no prior: this bundle can only encode and decode)");
  }
  if (!s.error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", s.error.c_str());
    itemTooltip("tokens-error", s.error);
  }
}

void TokensPanel::drawGridAndImage(PanelContext& ctx) {
  TokenSession& s = *m_s;
  const TokenModel& m = *s.model();
  const float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  // Under the grid: the caption, the timeline row, and the window's padding.
  const float below = ImGui::GetFrameHeightWithSpacing() + fs * 1.6f + ImGui::GetStyle().WindowPadding.y + fs * 0.5f;
  const float gap = fs * 1.5f;
  float side = std::floor(std::min((avail.x - gap) * 0.5f, avail.y - below));
  side = std::max(side, fs * 3);  // a tiny window: small, but nothing below it is pushed out
  ImVec2 p = ImGui::GetCursorScreenPos();
  p.x += std::max(0.f, std::floor((avail.x - 2 * side - gap) * 0.5f));
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##tokgrid", ImVec2(side, side));
  itemHelp("tokens-grid");
  ctx.rects["tokens-grid"] = ImVec4(p.x, p.y, side, side);
  const int rows = m.rows(), cols = m.cols();
  std::vector<int> grid = s.shownGrid();
  TokenGridStyle st;
  st.highlight = m_editCell >= 0 ? m_editCell : (s.shown() < s.length() ? s.shown() : -1);
  if (ImGui::IsItemHovered()) {
    ImVec2 mp = ImGui::GetIO().MousePos;
    int c = int((mp.x - p.x) / (side / float(cols))), r = int((mp.y - p.y) / (side / float(rows)));
    if (r >= 0 && r < rows && c >= 0 && c < cols) {
      st.hovered = r * cols + c;
      int code = grid[size_t(st.hovered)];
      ImGui::BeginTooltip();
      if (code >= 0) {
        ImGui::Text("token %d (row %d, column %d): code %d", st.hovered + 1, r + 1, c + 1, code);
        ImGui::TextDisabled("click to give it another code");
      } else {
        ImGui::Text("token %d (row %d, column %d): not drawn yet", st.hovered + 1, r + 1, c + 1);
      }
      ImGui::EndTooltip();
    }
  }
  if (ImGui::IsItemClicked() && st.hovered >= 0 && grid[size_t(st.hovered)] >= 0) {
    m_editCell = st.hovered;
    ImGui::OpenPopup("##codepick");
  }
  drawTokenGrid(ImGui::GetWindowDrawList(), p, side, rows, cols, grid, st);

  // The decoded image.
  ImVec2 q(p.x + side + gap, p.y);
  ImGui::SetCursorScreenPos(q);
  ImGui::InvisibleButton("##tokimage", ImVec2(side, side));
  itemHelp("tokens-image");
  ctx.rects["tokens-image"] = ImVec4(q.x, q.y, side, side);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Image& img = s.image();
  ImTextureID tex = ctx.textures.texture("tokens-image", img, s.imageVersion(), ctx.state.nearestFilter);
  if (tex) {
    ImVec2 fit = fitImageSize(img, side, side);
    ImVec2 o(q.x + (side - fit.x) * 0.5f, q.y + (side - fit.y) * 0.5f);
    dl->AddImage(tex, o, ImVec2(o.x + fit.x, o.y + fit.y));
    // The rows still to be drawn, marked (their content comes from a blank picture's tokens).
    if (s.shown() < s.length() && s.shown() > 0) {
      const float ch = fit.y / float(rows), cw = fit.x / float(cols);
      const int n = s.shown();
      for (int i = n; i < s.length(); ++i) {
        int r = i / cols, c = i % cols;
        ImVec2 a(o.x + cw * float(c), o.y + ch * float(r));
        dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch), IM_COL32(40, 60, 110, 70));
      }
    }
  } else {
    dl->AddRect(q, ImVec2(q.x + side, q.y + side), IM_COL32(120, 120, 130, 255));
  }
  // Captions under both, the longest that fits the column.
  auto caption = [&](ImVec2 at, std::initializer_list<const char*> texts) {
    const char* pick = *(texts.end() - 1);
    for (const char* t : texts)
      if (ImGui::CalcTextSize(t).x <= side + gap * 0.8f) {
        pick = t;
        break;
      }
    ImGui::SetCursorScreenPos(at);
    ImGui::TextDisabled("%s", pick);
  };
  caption(ImVec2(p.x, p.y + side + fs * 0.3f),
          {"token grid: code number per cell (click to edit)", "tokens (click to edit)", "tokens"});
  if (s.shown() < s.length())
    caption(ImVec2(q.x, p.y + side + fs * 0.3f),
            {"decoded; undrawn tokens = a blank picture's (tinted)", "decoded (tinted: not drawn yet)", "decoded"});
  else
    caption(ImVec2(q.x, p.y + side + fs * 0.3f), {"decoded by the VQ-VAE", "decoded"});
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetWindowPos().x + ImGui::GetStyle().WindowPadding.x, p.y + side + fs * 1.6f));
}

void TokensPanel::drawTimeline(PanelContext& ctx) {
  TokenSession& s = *m_s;
  const float fs = ImGui::GetFontSize();
  int shown = s.shown();
  FlowRow row;
  const float resampleW = FlowRow::button("Resample from here");
  const float lineW = std::max(fs * 8, ImGui::GetContentRegionAvail().x - resampleW - ImGui::GetStyle().ItemSpacing.x);
  row.next(lineW);
  ImGui::BeginDisabled(s.recorded() == 0);
  ImGui::SetNextItemWidth(lineW);
  if (ImGui::SliderInt("##toktimeline", &shown, 0, std::max(1, s.recorded()), "after %d tokens")) s.setShown(shown);
  itemHelp("tokens-timeline");
  ImGui::EndDisabled();
  row.next(resampleW);
  ImGui::BeginDisabled(!s.model()->canSample() || s.shown() >= s.length());
  if (ImGui::Button("Resample from here")) s.resampleFromShown();
  itemHelp("tokens-resample");
  ImGui::EndDisabled();

}

void TokensPanel::drawCodePopup(PanelContext& ctx) {
  TokenSession& s = *m_s;
  if (!ImGui::BeginPopup("##codepick")) {
    if (m_editCell >= 0 && !ImGui::IsPopupOpen("##codepick")) m_editCell = -1;
    return;
  }
  const TokenModel& m = *s.model();
  const float fs = ImGui::GetFontSize();
  const int cell = m_editCell;
  const int current = cell >= 0 && cell < s.recorded() ? s.record()[size_t(cell)] : -1;
  ImGui::Text("Token %d (row %d, column %d) is code %d. Pick another:", cell + 1, cell / m.cols() + 1, cell % m.cols() + 1,
              current);
  const int perRow = 16;
  const float box = std::floor(fs * 2.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int c = 0; c < m.codebookSize(); ++c) {
    if (c % perRow) ImGui::SameLine(0, 2);
    ImGui::PushID(c);
    ImVec2 p = ImGui::GetCursorScreenPos();
    if (ImGui::InvisibleButton("##code", ImVec2(box, box))) {
      s.editToken(cell, c);
      ImGui::CloseCurrentPopup();
    }
    if (c == 0) itemRect("tokens-code-0");
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    drawCodeBox(dl, ctx.textures, s.codeImages(), s.codesVersion(), c, p, box, ctx.state.nearestFilter);
    if (c == current) dl->AddRect(p, ImVec2(p.x + box, p.y + box), IM_COL32(255, 170, 40, 255), 0, 0, 2.f);
    if (hovered) {
      dl->AddRect(p, ImVec2(p.x + box, p.y + box), IM_COL32(255, 255, 255, 255), 0, 0, 2.f);
      ImGui::SetTooltip("code %d%s", c, s.usage().size() > size_t(c) ? (", used " + std::to_string(s.usage()[size_t(c)]) + " times in the test set").c_str() : "");
    }
  }
  ImGui::TextDisabled("each picture: the whole grid filled with that one code");
  ImGui::EndPopup();
}

}  // namespace latentlab
