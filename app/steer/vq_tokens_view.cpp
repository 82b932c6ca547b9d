#include "app/steer/vq_tokens_view.h"

#include "app/engine_client.h"
#include "app/feature_jobs.h"
#include "app/panels/param_help.h"
#include "engine/explore/explorer.h"

namespace latentlab {

namespace {
const ImU32 kChanged = IM_COL32(255, 170, 40, 255);

std::shared_ptr<ExploreModel> vqModel(const PanelContext& ctx) {
  auto m = ctx.jobs ? ctx.jobs->exploreModel() : nullptr;
  return m && m->info().codebookSize > 0 ? m : nullptr;
}

const char* kSnapHelp =
    "A VQ model's latent is its grid of code vectors (7 x 7 cells of 32 numbers each for fashion-vq). Between "
    "two images, or after a slider moves it, a cell usually lies between the codebook's vectors.\n"
    "On (default): each cell is first replaced by its nearest codebook vector, so the picture is one the model "
    "can actually produce from tokens (the decoder was only ever trained on codebook vectors); changes come in "
    "jumps, one token at a time.\n"
    "Off: the decoder is given the vectors as they are, which shows what it does with latents between codes "
    "(smooth, but pictures no token grid makes).\n"
    "Outlined cells on the picture are tokens that changed.";
}  // namespace

const ModelInfo* vqModelInfo(const PanelContext& ctx) {
  auto m = vqModel(ctx);
  return m ? &m->info() : nullptr;
}

bool drawSnapToggle(PanelContext& ctx, FlowRow& row) {
  auto m = vqModel(ctx);
  if (!m) return false;
  row.next(FlowRow::check("Snap to codebook"));
  bool changed = ImGui::Checkbox("Snap to codebook", &ctx.state.snapToCodebook);
  itemTooltip("snap-to-codebook", kSnapHelp);
  if (m->snapToCodebook() != ctx.state.snapToCodebook) m->setSnapToCodebook(ctx.state.snapToCodebook);
  return changed;
}

int TokenChange::changed() const {
  if (before.size() != after.size()) return 0;
  int n = 0;
  for (size_t i = 0; i < before.size(); ++i) n += before[i] != after[i];
  return n;
}

std::string tokenChangeCaption(const TokenChange& t, const char* since) {
  if (t.before.empty() || t.before.size() != t.after.size()) return "";
  return std::to_string(t.changed()) + " of " + std::to_string(t.after.size()) + " tokens differ from " + since;
}

void drawTokenCells(const TokenChange& t, int rows, int cols, ImVec2 pos, ImVec2 size, const char* since) {
  if (rows < 1 || cols < 1 || t.after.size() != size_t(rows * cols) || t.before.size() != t.after.size()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float cw = size.x / float(cols), ch = size.y / float(rows);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      size_t k = size_t(r * cols + c);
      if (t.before[k] == t.after[k]) continue;
      ImVec2 a(pos.x + cw * float(c), pos.y + ch * float(r));
      dl->AddRect(ImVec2(a.x + 0.5f, a.y + 0.5f), ImVec2(a.x + cw - 0.5f, a.y + ch - 0.5f), kChanged, 0, 0, 1.5f);
    }
  ImVec2 mouse = ImGui::GetIO().MousePos;
  if (!ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows) || mouse.x < pos.x || mouse.y < pos.y ||
      mouse.x >= pos.x + size.x || mouse.y >= pos.y + size.y)
    return;
  ImGui::BeginTooltip();
  ImGui::Text("Tokens (nearest code of each cell); orange: differs from %s", since);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      size_t k = size_t(r * cols + c);
      if (c > 0) ImGui::SameLine();
      if (t.before[k] != t.after[k])
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kChanged), "%3d", t.after[k]);
      else
        ImGui::Text("%3d", t.after[k]);
    }
  }
  ImGui::EndTooltip();
}

}  // namespace latentlab
