#include "app/lesson/lesson_panel.h"

#include <imgui.h>
#include <imgui_internal.h>  // the focused window: the Diffusion timeline keeps its arrow keys

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "app/gui_app.h"
#include "app/lesson/bundled_lessons.h"
#include "app/lesson/lesson_apply.h"
#include "app/lesson/lesson_text.h"
#include "app/panel_list.h"
#include "app/panels/param_help.h"

namespace fs = std::filesystem;

namespace latentlab {

std::vector<std::string> registeredPanelIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out;
    for (auto& e : makePanels()) out.push_back(e.panel->id());
    return out;
  }();
  return ids;
}

bool LessonPanel::openLesson(const std::string& path, int step, bool presenter) {
  try {
    Lesson l = loadLesson(path, registeredPanelIds());
    m_lesson = std::move(l);
    m_error.clear();
  } catch (const std::exception& e) {
    m_error = e.what();
    return false;
  }
  open = true;
  m_step = -1;
  goTo(step);
  setPresenter(presenter);
  return true;
}

void LessonPanel::closeLesson() {
  setPresenter(false);
  m_lesson.reset();
  m_problems.clear();
  m_phase = Phase::Done;
  if (m_app)
    for (Panel* p : m_app->shownPanels()) p->locked = false;
}

void LessonPanel::goTo(int step) {
  if (!m_lesson) return;
  step = std::clamp(step, 0, stepCount() - 1);
  if (step == m_step) return;
  m_step = step;
  m_phase = Phase::Load;
}

void LessonPanel::setPresenter(bool on) {
  if (on == m_presenter || !m_app) {
    m_presenter = on && m_app;
    return;
  }
  AppState& s = m_app->state();
  if (on) {
    m_scaleBefore = s.uiScale;
    s.uiScale = std::max(s.uiScale, m_lesson ? m_lesson->presenterScale : 1.75f);
  } else if (m_scaleBefore > 0) {
    s.uiScale = m_scaleBefore;
  }
  m_presenter = on;
  if (m_lesson && m_step >= 0) applyStepLocks(*m_app, m_lesson->steps[size_t(m_step)], m_presenter);
  else if (!on)
    for (Panel* p : m_app->shownPanels()) p->locked = false;
}

std::string LessonPanel::screenshotPath(const std::string& base) const {
  if (!m_allSteps || !m_lesson) return base;
  char num[16];
  std::snprintf(num, sizeof num, "-%02d", m_step + 1);
  fs::path p(base);
  return (p.parent_path() / (p.stem().string() + num + p.extension().string())).string();
}

bool LessonPanel::nextScreenshotStep() {
  int last = m_lastShot >= 0 ? std::min(m_lastShot, stepCount() - 1) : stepCount() - 1;
  if (!m_allSteps || !m_lesson || m_step >= last) return false;
  next();
  return true;
}

void LessonPanel::handleKeys() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown), false)) next();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp), false)) back();
  // Left / Right scrub the Diffusion and Tokens timelines when those have the focus: leave them.
  if (ImGuiWindow* focused = GImGui->NavWindow) {
    std::string name = focused->RootWindow->Name;
    for (const char* owner : {"###diffusion", "###tokens"})
      if (name.find(owner) != std::string::npos) return;
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), false)) next();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow), false)) back();
}

void LessonPanel::frame(PanelContext& ctx) {
  if (!m_lesson || !m_app) return;
  if (!open) {  // closed with its X: the lesson ends, nothing stays locked
    closeLesson();
    return;
  }
  handleKeys();
  const LessonStep& step = m_lesson->steps[size_t(m_step)];
  EngineClient& e = m_app->engine();
  switch (m_phase) {
    case Phase::Load: {
      m_problems.clear();
      m_waitFrames = 0;
      std::error_code ec;
      applyStepPanels(*m_app, step);
      applyStepLocks(*m_app, step, m_presenter);
      if (!fs::exists(fs::path(step.model) / "model.json", ec)) {
        m_problems.push_back("This step needs the model \"" + step.modelAsWritten + "\", which is not here (" +
                             step.model + "). Build or copy it (see assets/README.md); the app shows what it has open.");
        m_phase = Phase::Done;
        return;
      }
      if (!sameFolder(openModelDir(*m_app), step.model)) ctx.requests.loadModel = step.model;
      m_phase = Phase::Wait;
      return;
    }
    case Phase::Wait: {
      if (e.loading()) return;
      if (!sameFolder(openModelDir(*m_app), step.model)) {
        // Asked for this frame or the last; a failed load leaves the old model and an error.
        if (!e.modelError.empty() || ++m_waitFrames > 5) {
          m_problems.push_back("Could not open the model \"" + step.modelAsWritten + "\"" +
                               (e.modelError.empty() ? "" : ": " + e.modelError));
          m_phase = Phase::Done;
        }
        return;
      }
      // A model with a map: its data must be encoded before the map settings mean anything.
      if (e.model() && !e.latents() && e.dataError.empty()) return;
      m_phase = Phase::Apply;
      return;
    }
    case Phase::Apply: {
      applyStepPanels(*m_app, step);  // the model's kind decides which panels exist
      applyStepLocks(*m_app, step, m_presenter);
      // A run the Diffusion panel started by itself with the bundle's settings gives way to the step's.
      if (step.diffusion && e.sampling()) ctx.requests.cancelSample = true;
      for (auto& p : applyStepState(*m_app, ctx, step)) m_problems.push_back(p);
      m_phase = step.map.centerU ? Phase::View : Phase::Done;
      return;
    }
    case Phase::View:
      applyStepView(ctx, step);
      m_phase = Phase::Done;
      return;
    case Phase::Done: return;
  }
}

void LessonPanel::drawNavigation() {
  float fs = ImGui::GetFontSize();
  int n = stepCount();
  ImGui::BeginDisabled(m_step <= 0);
  if (ImGui::Button("< Back")) back();
  ImGui::EndDisabled();
  itemRect("lesson-back");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("The previous step (PageUp, Left)");
  ImGui::SameLine();
  char counter[32];
  std::snprintf(counter, sizeof counter, "%d / %d", m_step + 1, n);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(counter);
  ImGui::SameLine();
  ImGui::BeginDisabled(m_step >= n - 1);
  if (ImGui::Button("Next >")) next();
  ImGui::EndDisabled();
  itemRect("lesson-next");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(m_step >= n - 1 ? "The last step" : "The next step (PageDown, Right; a presenter's clicker sends PageDown)");
  ImGui::SameLine(0, fs);
  bool presenter = m_presenter;
  if (ImGui::Checkbox("Presenter", &presenter)) setPresenter(presenter);
  itemRect("lesson-presenter");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Large text, only this step's panels, the controls it does not use locked, a ring around the pointer");
}

void LessonPanel::drawPointerRing() const {
  const ImGuiIO& io = ImGui::GetIO();
  if (!m_presenter || !ImGui::IsMousePosValid(&io.MousePos)) return;
  float r = ImGui::GetFontSize() * 1.3f;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  dl->AddCircle(io.MousePos, r, IM_COL32(255, 200, 40, 230), 40, std::max(3.f, r * 0.14f));
  dl->AddCircle(io.MousePos, r + r * 0.12f, IM_COL32(0, 0, 0, 140), 40, 2.f);
}

void LessonPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "lesson/next"... for tests and the screenshot sidecar
  drawPointerRing();
  if (!m_lesson) {
    if (!m_error.empty()) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(ImVec4(1, 0.6f, 0.4f, 1), "%s", m_error.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::TextWrapped("No lesson is open. Pick one (also in Help > Lessons):");
    for (const std::string& path : listBundledLessons()) {
      std::string name = fs::path(path).stem().string();
      if (ImGui::Button(name.c_str())) openLesson(path, 0, false);
    }
    notesToggle(ctx);
    return;
  }
  const LessonStep& step = m_lesson->steps[size_t(m_step)];
  // One line of heading (the lesson's title is in the row of buttons): room for the text.
  ImGui::TextColored(ImVec4(0.75f, 0.9f, 0.6f, 1), "%s", step.title.c_str());
  float navH = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
  ImGui::BeginChild("lesson-text", ImVec2(0, -navH), false);
  for (const std::string& p : m_problems) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(1, 0.6f, 0.4f, 1), "%s", p.c_str());
    ImGui::PopTextWrapPos();
  }
  if (m_phase != Phase::Done) ImGui::TextDisabled("Setting up this step...");
  drawLessonText(step.text);
  ImGui::Dummy(ImVec2(1, 1));
  itemRect("lesson-text-end");  // tests: inside the window = the text fits without scrolling
  ImGui::EndChild();
  drawNavigation();
  // The lesson's title after the buttons, dimmed, when it fits.
  float room = ImGui::GetContentRegionMax().x - (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x);
  float w = ImGui::CalcTextSize(m_lesson->title.c_str()).x + ImGui::GetFontSize();
  if (room > w) {
    ImGui::SameLine(0, ImGui::GetFontSize());
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", m_lesson->title.c_str());
  }
}

const char* LessonPanel::notes() const {
  return "A lesson is a sequence of steps; each step sets up the app (model, panels, map, settings) and says "
         "what to look at. Back / Next or PageUp / PageDown move through it. Presenter mode enlarges the "
         "interface, shows only the step's panels and locks the controls the step does not use.";
}

}  // namespace latentlab
