// DesktopTools, the glue GuiApp uses: Ctrl+O / Ctrl+S / Ctrl+M open the file dialog in the
// right mode and its answer comes back as an action (and into the recent lists); Ctrl+Z and
// Ctrl+Y undo and redo through it, a plane change asking for the plane to be recomputed;
// a new model starts a fresh history and loading makes no steps; Ctrl+E opens Export.
#include <doctest/doctest.h>
#include <imgui.h>

#include <filesystem>

#include "app/widgets/desktop_tools.h"
#include "app_test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  std::string dir = fs::canonical(test::tempDir("desktop_tools")).string();
  DesktopTools tools{dir + "/recent.json"};
  AppState state;
  DiffusionSettings diffusion;
  ExportView view;
  uint64_t generation = 1;
  bool busy = false;
  Fixture() {
    test::startHeadlessImGui(ImVec2(1200, 800));
    state.hiddenClasses.assign(10, false);
    fs::create_directories(dir + "/model");
    test::writeText(dir + "/model/model.json", "{}");
    test::writeText(dir + "/old.json", "{}");
  }
  ~Fixture() { ImGui::DestroyContext(); }
  ToolActions frame() {
    ImGui::NewFrame();
    ToolActions a = tools.endFrame(state, &diffusion, view, generation, busy);
    ImGui::Render();
    return a;
  }
};

}  // namespace

TEST_CASE("Ctrl+O opens a session chosen in the dialog; it joins the recent sessions") {
  Fixture f;
  f.frame();
  CHECK(f.tools.onShortcut(ShortcutId::OpenSession, f.state, &f.diffusion, 1));
  f.frame();
  REQUIRE(f.tools.dialog().isOpen());
  CHECK(f.tools.dialog().spec().mode == FileDialogMode::Open);
  CHECK(f.tools.dialog().spec().filter == "*.json");
  f.tools.dialog().navigate(f.dir);
  f.frame();
  int i = f.tools.dialog().browser().find("old.json");
  REQUIRE(i >= 0);
  CHECK(f.tools.dialog().activate(i));
  ToolActions a = f.frame();
  CHECK(a.openSession == f.dir + "/old.json");
  CHECK(a.saveSession.empty());
  CHECK(f.tools.recent().list("sessions").front() == f.dir + "/old.json");
  CHECK(f.frame().openSession.empty());  // reported once
}

TEST_CASE("Ctrl+S asks where to save; Ctrl+M picks a model folder") {
  Fixture f;
  f.tools.noteSession(f.dir + "/old.json");
  CHECK(f.tools.onShortcut(ShortcutId::SaveSession, f.state, &f.diffusion, 1));
  f.frame();
  REQUIRE(f.tools.dialog().isOpen());
  CHECK(f.tools.dialog().spec().mode == FileDialogMode::Save);
  CHECK(f.tools.dialog().browser().dir() == f.dir);  // beside the last session
  CHECK(f.tools.dialog().pathField() == f.dir + "/session.json");
  CHECK(f.tools.dialog().confirmField(true));
  CHECK(f.frame().saveSession == f.dir + "/session.json");

  f.state.modelDir = f.dir + "/model";
  CHECK(f.tools.onShortcut(ShortcutId::OpenModel, f.state, &f.diffusion, 1));
  f.frame();
  REQUIRE(f.tools.dialog().isOpen());
  CHECK(f.tools.dialog().spec().mode == FileDialogMode::PickFolder);
  CHECK(f.tools.dialog().spec().marker == "model.json");
  int i = f.tools.dialog().browser().find("model");
  REQUIRE(i >= 0);
  CHECK(f.tools.dialog().browser().entries()[size_t(i)].marked);
  CHECK(f.tools.dialog().activate(i));
  CHECK(f.frame().openModel == f.dir + "/model");
  CHECK(f.tools.recent().list("models") == std::vector<std::string>{f.dir + "/model"});
}

TEST_CASE("undo and redo through the tools; plane changes ask for a recompute") {
  Fixture f;
  f.frame();
  f.state.hiddenClasses[3] = true;
  f.frame();
  f.state.planeMode = "axes";
  f.state.axisJ = 5;
  f.frame();
  CHECK(f.tools.history().undoSteps() == 2);
  CHECK(f.tools.onShortcut(ShortcutId::Undo, f.state, &f.diffusion, 1));
  CHECK(f.state.planeMode == "pca");
  CHECK(f.frame().planeChanged);
  CHECK(f.tools.onShortcut(ShortcutId::Undo, f.state, &f.diffusion, 1));
  CHECK_FALSE(f.state.hiddenClasses[3]);
  CHECK_FALSE(f.frame().planeChanged);
  CHECK(f.tools.onShortcut(ShortcutId::Redo, f.state, &f.diffusion, 1));
  CHECK(f.state.hiddenClasses[3]);
  f.frame();
  CHECK(f.tools.history().canRedo());
}

TEST_CASE("a new model starts a fresh history; what loading changes is no step") {
  Fixture f;
  f.frame();
  f.state.selected = 4;
  f.frame();
  CHECK(f.tools.history().undoSteps() == 1);
  f.busy = true;  // loading: the model's recommended settings arrive
  f.diffusion.sampler = "dpmpp-2m";
  f.frame();
  f.busy = false;
  f.frame();
  CHECK(f.tools.history().undoSteps() == 1);
  f.generation = 2;  // the new model is there
  f.frame();
  CHECK_FALSE(f.tools.history().canUndo());
  f.diffusion.steps = 12;
  f.frame();
  CHECK(f.tools.history().undoSteps() == 1);
  f.tools.undoNow(f.state, &f.diffusion);
  CHECK(f.diffusion.steps == 50);
  CHECK(f.diffusion.sampler == "dpmpp-2m");  // from before the user's change
}

TEST_CASE("Ctrl+E opens Export, Ctrl+/ the shortcut list; other keys are not the tools'") {
  Fixture f;
  CHECK(f.tools.onShortcut(ShortcutId::Export, f.state, &f.diffusion, 1));
  f.frame();
  CHECK(f.tools.exporter().isOpen());
  CHECK(f.tools.onShortcut(ShortcutId::ShowShortcuts, f.state, &f.diffusion, 1));
  f.frame();
  CHECK(f.tools.help().shortcutsOpen());
  CHECK_FALSE(f.tools.onShortcut(ShortcutId::FitMap, f.state, &f.diffusion, 1));
  CHECK_FALSE(f.tools.onShortcut(ShortcutId::Quit, f.state, &f.diffusion, 1));
}
