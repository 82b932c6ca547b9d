#include "app/panels/image_panel.h"

#include <cmath>

#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

const char* ImagePanel::notes() const {
  return "This is what the decoder draws for the point under the cursor on the map. Nothing here "
         "is copied from the data: the model invents the picture from a handful of numbers (the "
         "latent). Move the cursor and watch which features change. Below, a clicked data image "
         "sits next to its reconstruction (encode, then decode): the difference shows what the "
         "model forgets.";
}

namespace {
// Largest whole multiple of the image size that fits: integer zoom keeps nearest-filtered
// pixels square and equal.
float fitSize(float avail, int imageSize) {
  if (imageSize <= 0) return avail;
  float k = std::floor(avail / float(imageSize));
  return k >= 1 ? k * float(imageSize) : avail;
}
bool anyNonZero(const std::vector<float>& v) {
  for (float x : v)
    if (x != 0.f) return true;
  return false;
}
}  // namespace

void ImagePanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  AppState& s = ctx.state;
  int filter = s.nearestFilter ? 0 : 1;
  ImGui::RadioButton("Nearest", &filter, 0);
  itemHelp("filter-nearest");
  ImGui::SameLine();
  ImGui::RadioButton("Bilinear", &filter, 1);
  itemHelp("filter-bilinear");
  s.nearestFilter = filter == 0;
  notesToggle(ctx), itemRect("notes");

  const EngineClient* e = ctx.engine;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float fs = ImGui::GetFontSize();
  bool hasSel = e && !e->selectedOriginal.empty();
  const bool steered = anyNonZero(s.steerEdit) || anyNonZero(s.steerDirections);
  float captions = steered ? fs * 1.3f : 0.f;
  // A wide, short panel (a crowded side column, QA Q19): the selected image and its
  // reconstruction go beside the decoded image instead of under it, so it keeps the height.
  // Only when both captions fit beside the decoded image's (at a large UI scale they do not).
  const float captionW = ImGui::CalcTextSize("u -0.000  v -0.000   decode 00.0 ms").x;
  const bool beside = hasSel && avail.x >= avail.y * 1.6f &&
                      avail.x - captionW - fs * 2 >= 2 * ImGui::CalcTextSize("reconstruction").x + fs;
  const ImVec2 top = ImGui::GetCursorScreenPos();
  float bottom = (hasSel && !beside ? fs * 2.2f + std::min(avail.x * 0.3f, avail.y * 0.35f) : fs * 1.5f) + captions;
  float side = std::max(fs * 4, std::min(beside ? avail.x * 0.5f : avail.x, avail.y - bottom));
  if (e && !e->cursorImage.empty()) {
    side = fitSize(side, e->cursorImage.width);
    ImVec2 sz = fitImageSize(e->cursorImage, side, side);  // a non-square model keeps its shape
    ImVec2 p = ImGui::GetCursorScreenPos();
    if (!beside) p.x += std::max(0.f, (avail.x - sz.x) * 0.5f);  // centred
    ImGui::SetCursorScreenPos(p);
    ImTextureID tex = ctx.textures.texture("cursor", e->cursorImage, e->cursorVersion, s.nearestFilter);
    if (tex) ImGui::Image(tex, sz);
    else ImGui::Dummy(sz);
    ctx.rects["decoded"] = ImVec4(p.x, p.y, sz.x, sz.y);
    ImGui::Text("u %.3f  v %.3f   decode %.1f ms", s.cursorU, s.cursorV, e->lastDecodeMs);
    // Two pictures of "the current latent" would otherwise disagree without a word: this one is
    // the map cursor's, the steering panels show it moved.
    if (steered) {
      ImGui::TextDisabled("%s", beside ? "Before steering" : "Before steering: the moved image is in Directions");
      itemTooltip("decoded-before-steering",
                  "This is the latent under the map cursor. The Directions sliders and the Latent inspector's bars "
                  "move it; the moved latent's picture is in the Directions and Latent inspector panels, and the "
                  "map draws a line from here to it.");
    }
  } else {
    ImGui::Dummy(ImVec2(side, side * 0.2f));
    ImGui::TextWrapped("Press on the map to place the cursor; its decoded image appears here.");
  }
  if (hasSel) {
    float w = 0;
    if (beside) {  // right of the decoded image and its captions, from the top
      float used = std::max(side, captionW) + fs;
      ImGui::SetCursorScreenPos(ImVec2(top.x + used, top.y));
      w = fitSize(std::min((avail.x - used - fs) * 0.5f, avail.y - fs * 1.5f), e->selectedOriginal.width);
    } else {
      ImGui::Separator();
      w = fitSize(std::min((ImGui::GetContentRegionAvail().x - fs) * 0.5f, ImGui::GetContentRegionAvail().y - fs * 1.5f),
                  e->selectedOriginal.width);
    }
    ImGui::BeginGroup();
    ImTextureID a = ctx.textures.texture("sel-orig", e->selectedOriginal, e->selectedVersion, s.nearestFilter);
    if (a) ImGui::Image(a, fitImageSize(e->selectedOriginal, w, w));
    // A GAN's map dots are prior samples, and it has no encoder: no data item, no reconstruction.
    const bool samples = e->model() && e->model()->kind == "gan";
    ImGui::Text(samples ? "sample #%lld" : "data #%lld", (long long)e->selectedIndex);
    itemRect("selected-caption");
    ImGui::EndGroup();
    if (!samples) {
      ImGui::SameLine();
      ImGui::BeginGroup();
      ImTextureID b = ctx.textures.texture("sel-recon", e->selectedRecon, e->selectedVersion, s.nearestFilter);
      if (b) ImGui::Image(b, fitImageSize(e->selectedRecon, w, w));
      ImGui::TextUnformatted("reconstruction");
      itemRect("reconstruction");
      ImGui::EndGroup();
    }
  }
}

}  // namespace latentlab
