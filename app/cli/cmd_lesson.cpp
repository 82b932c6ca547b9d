// `latentlab lesson FILE [--step N] [--screenshot OUT.png]`: opens the window on a lesson
// (app/lesson/, docs/lessons.md) at step N (from 1) in presenter mode; with --screenshot it
// renders that step headless-style (the real window, e.g. under Xvfb) and exits. A broken
// lesson file is one line and exit 3 before any window opens; a step past the last is a usage
// error (exit 2). Never opens a window for a file it could not read.
#include <filesystem>

#include "app/cli/commands.h"
#include "app/gui_app.h"
#include "app/lesson/lesson.h"
#include "app/lesson/lesson_panel.h"
#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab::cli {

void addLesson(CLI::App& cmd, Action& action) {
  struct Opts {
    std::string file, screenshot, device = "auto";
    int step = 1, to = 0;
    bool noPresenter = false, allSteps = false;
    float scale = 0;
    std::vector<int> size;
  };
  auto o = std::make_shared<Opts>();
  cmd.add_option("FILE", o->file, "lesson file (latentlab-lesson/1 JSON, see docs/lessons.md)")->required();
  cmd.add_option("--step", o->step, "the step to open, from 1")->check(CLI::PositiveNumber);
  cmd.add_option("--screenshot", o->screenshot, "render the step, wait until every job is idle, write PNG and exit");
  cmd.add_flag("--all-steps", o->allSteps, "with --screenshot: every step from --step on, to OUT-01.png, OUT-02.png, ...");
  cmd.add_option("--to", o->to, "with --all-steps: stop after this step (from 1)")->check(CLI::PositiveNumber);
  cmd.add_flag("--no-presenter", o->noPresenter, "open without presenter mode (normal scale, every control usable)");
  cmd.add_option("--scale", o->scale, "UI scale 1.0 to 3.0 (default: the lesson's presenter scale)")->check(CLI::Range(1.0, 3.0));
  cmd.add_option("--size", o->size, "window size in pixels: W H")->expected(2);
  cmd.add_option("--device", o->device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd.callback([o, &action] {
    action = [o] {
      Lesson lesson = loadLesson(o->file, registeredPanelIds());  // BadInput: one line, exit 3
      int n = int(lesson.steps.size());
      if (o->step > n)
        throw UsageError("--step " + std::to_string(o->step) + ": " + o->file + " has " + std::to_string(n) +
                         " step" + (n == 1 ? "" : "s") + " (1.." + std::to_string(n) + ")");
      GuiOptions g;
      const LessonStep& step = lesson.steps[size_t(o->step - 1)];
      std::error_code ec;
      // A step whose model is missing still opens (on the default model): the Lesson panel says so.
      if (fs::exists(fs::path(step.model) / "model.json", ec)) g.models = {step.model};
      g.lesson = o->file;
      g.lessonStep = o->step - 1;
      g.presenter = !o->noPresenter;
      g.screenshot = o->screenshot;
      if (o->allSteps && o->screenshot.empty()) throw UsageError("--all-steps needs --screenshot OUT.png");
      g.lessonAllSteps = o->allSteps;
      if (o->to > 0 && (o->to < o->step || o->to > n))
        throw UsageError("--to " + std::to_string(o->to) + ": must be between --step and the lesson's " + std::to_string(n) + " steps");
      g.lessonLastStep = o->to - 1;
      g.device = o->device;
      g.scale = o->scale;
      if (o->size.size() == 2) {
        if (o->size[0] < 320 || o->size[1] < 240) throw UsageError("--size: at least 320 x 240");
        g.width = o->size[0], g.height = o->size[1];
      }
      return runGui(g);
    };
  });
}

}  // namespace latentlab::cli
