#include "app/open_model/resize_offer.h"

#include <imgui.h>
#include <imgui_internal.h>  // BringWindowToDisplayFront: the offer stays above the panels

#include <algorithm>

#include "app/engine_client.h"
#include "app/feature_jobs.h"
#include "engine/data/dataset.h"

namespace latentlab {

namespace {

struct DataShapes {
  bool ok = false;
  ImageShape data, base;  // base: the spec before an "@CxHxW" suffix (== data without one)
};

std::string sides(const ImageShape& s) { return std::to_string(s.height) + " x " + std::to_string(s.width); }

}  // namespace

void ResizeOffer::update(EngineClient& engine, const std::string& dataSpec) {
  const ModelInfo* m = engine.model();
  if (!engine.dataError.empty() && (!m || !m->hasEncoder || engine.loading() || engine.encoding())) return;
  // The data encoded, or an encode is under way: a later failure (even of the same model
  // and data, after Dismiss) asks again.
  update(engine, !engine.dataError.empty(), m ? m->dir : "", m ? ImageShape{m->channels, m->height, m->width} : ImageShape{},
         dataSpec);
}

void ResizeOffer::update(FeatureJobs& jobs, bool failed, const std::string& modelDir, const ImageShape& model,
                         const std::string& dataSpec) {
  if (!failed) {
    m_shown = m_dismissed = false;
    m_key.clear();
    return;
  }
  std::string key = modelDir + "\n" + dataSpec;
  if (key == m_key) return;  // asked already, or dismissed
  m_key = key;
  m_shown = m_dismissed = false;
  jobs.run(
      Worker::Background, m_slot,
      [dataSpec](JobContext&) {
        DataShapes s;
        try {  // a data set that does not open at all: the engine's own message says why
          s.data = s.base = shapeOf(openDataset(dataSpec));
          if (auto r = splitResizeSuffix(dataSpec)) s.base = shapeOf(openDataset(r->base));
          s.ok = true;
        } catch (const std::exception&) {
        }
        return std::any(s);
      },
      [this, dataSpec, model, key](FeatureOutcome& o) {
        auto* s = std::any_cast<DataShapes>(&o.value);
        if (!s || !s->ok || key != m_key || s->data == model) return;
        m_spec = dataSpec;
        m_data = s->data;
        m_model = model;
        m_useBase = s->base == model;  // resized earlier for another model: this one takes the original
        m_advice = m_useBase ? ResizeAdvice{true, ""} : adviseResize(s->data, model);
        m_accept = m_useBase ? splitResizeSuffix(dataSpec)->base : resizedSpec(dataSpec, model);
        m_shown = true;
      });
}

std::string ResizeOffer::buttonLabel() const {
  return m_useBase ? "Use " + m_accept + " at its own size" : "Resize the data to " + shapeText(m_model);
}

std::string ResizeOffer::text() const {
  std::string t = "The data set's images are " + shapeText(m_data) + " (C x H x W) but the model takes " +
                  shapeText(m_model) + ".";
  if (m_useBase) return t + " The data set without resizing (" + m_accept + ") has the model's shape.";
  if (!m_advice.offered) return t + " Not resized: " + m_advice.reason + ".";
  t += " Resizing fits every image to the model:";
  if (m_data.channels == 1 && m_model.channels == 3) t += " grey is repeated into R, G and B;";
  if (m_data.channels == 3 && m_model.channels == 1) t += " colour becomes grey (luma);";
  if (m_data.height != m_model.height || m_data.width != m_model.width)
    t += " " + sides(m_data) + " pixels are resampled to " + sides(m_model) + " (bilinear, antialiased);";
  t.back() = '.';
  return t;
}

std::optional<std::string> ResizeOffer::draw() {
  if (!m_shown) return std::nullopt;
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, ImGui::GetFrameHeight() * 3), ImGuiCond_Always,
                          ImVec2(0.5f, 0.f));
  std::optional<std::string> accepted;
  m_acceptRect = ImVec4(0, 0, 0, 0);
  if (ImGui::Begin("The data does not fit the model##resize_offer", nullptr,
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoMove)) {
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    accepted = drawInline();
  }
  ImGui::End();
  return accepted;
}

std::optional<std::string> ResizeOffer::drawInline() {
  if (!m_shown) return std::nullopt;
  std::optional<std::string> accepted;
  m_acceptRect = ImVec4(0, 0, 0, 0);
  // Wrapped at 32 em, or at the panel's edge when that comes first.
  float wrap = std::min(ImGui::GetCursorPosX() + ImGui::GetFontSize() * 32, ImGui::GetContentRegionMax().x);
  ImGui::PushTextWrapPos(wrap);
  ImGui::TextUnformatted(text().c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  ImGui::PushID(this);
  if (m_advice.offered) {
    if (ImGui::Button(buttonLabel().c_str())) accepted = m_accept;
    ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    m_acceptRect = ImVec4(lo.x, lo.y, hi.x - lo.x, hi.y - lo.y);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Use the data set %s instead (it also works on the command line: --data %s)",
                        m_accept.c_str(), m_accept.c_str());
    ImGui::SameLine();
  }
  if (ImGui::Button("Dismiss")) m_shown = false, m_dismissed = true;
  m_dismissRect = ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, ImGui::GetItemRectSize().x,
                         ImGui::GetItemRectSize().y);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Leave the data as it is; pick another data set in the Model panel");
  ImGui::PopID();
  if (accepted) m_shown = false;
  return accepted;
}

}  // namespace latentlab
