// The Lesson panel: the open lesson's step text, "3 / 12", Back / Next (PageUp / PageDown, what
// a presenter's clicker sends; Left / Right too when no text field is active and the Diffusion
// timeline does not have them), Presenter mode (large UI scale, only the step's panels, the
// controls the step does not name locked, a ring around the pointer) and what could not be
// applied (a missing model says so here instead of failing). It puts each step into the app
// (app/lesson/lesson_apply.h) over a few frames: open the model, wait for it, then the rest.
// Never blocks a frame waiting for the engine.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/lesson/lesson.h"
#include "app/panels/panel.h"

namespace latentlab {

class GuiApp;

// Every registered panel id (the names a lesson may use), in registration order.
std::vector<std::string> registeredPanelIds();

class LessonPanel : public Panel {
 public:
  LessonPanel() : Panel("lesson", "Lesson") {}
  // The app this panel steers (GuiApp binds itself when it makes its panels).
  void bind(GuiApp* app) { m_app = app; }
  // Opens a lesson file at `step` (0-based). False (and the reason in error()) when the file
  // is not a lesson; the panel then says so.
  bool openLesson(const std::string& path, int step, bool presenter);
  void closeLesson();
  bool hasLesson() const { return m_lesson.has_value(); }
  const Lesson* lesson() const { return m_lesson ? &*m_lesson : nullptr; }
  int step() const { return m_step; }
  int stepCount() const { return m_lesson ? int(m_lesson->steps.size()) : 0; }
  void goTo(int step);  // clamped to the lesson
  void next() { goTo(m_step + 1); }
  void back() { goTo(m_step - 1); }
  bool presenter() const { return m_presenter; }
  void setPresenter(bool on);
  // The step is fully applied (its model open, settings in): --screenshot waits for it.
  bool settled() const { return !m_lesson || m_phase == Phase::Done; }
  const std::string& error() const { return m_error; }
  // What this step could not apply (a missing model first), one line each.
  const std::vector<std::string>& problems() const { return m_problems; }

  // --screenshot of every step (latentlab lesson --all-steps): the file for the shown step
  // (OUT.png -> OUT-03.png) and, after it is written, on to the next step (false after the last).
  // `last`: the last step to render (0-based; -1 = the lesson's last).
  void setScreenshotAllSteps(bool on, int last = -1) { m_allSteps = on, m_lastShot = last; }
  std::string screenshotPath(const std::string& base) const;
  bool nextScreenshotStep();

  // Once per frame before the panels draw (GuiApp::buildFrame): keys, and the next phase of
  // putting the step into the app.
  void frame(PanelContext& ctx);

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  enum class Phase { Load, Wait, Apply, View, Done };
  void handleKeys();
  void drawNavigation();
  void drawPointerRing() const;

  GuiApp* m_app = nullptr;
  std::optional<Lesson> m_lesson;
  std::string m_error;
  int m_step = 0;
  Phase m_phase = Phase::Done;
  int m_waitFrames = 0;
  bool m_presenter = false;
  bool m_allSteps = false;
  int m_lastShot = -1;
  float m_scaleBefore = 0;  // the UI scale to go back to when presenter mode ends
  std::vector<std::string> m_problems;
};

}  // namespace latentlab
