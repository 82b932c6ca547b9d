// Undo/redo: every covered field comes back exactly, a slider dragged over many frames is one
// step, a new change clears the redo list, changes the app makes itself are no steps, and
// Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y reach it through the shortcut table (headless ImGui, with
// a real slider dragged by the mouse).
#include <doctest/doctest.h>
#include <imgui.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "app/help/shortcuts.h"
#include "app/undo_history.h"
#include "app_test_support.h"

using namespace latentlab;

namespace {

AppState startState() {
  AppState s;
  s.hiddenClasses = std::vector<bool>(10, false);
  return s;
}

struct Undoable {
  AppState s = startState();
  DiffusionSettings d;
  UndoHistory h;
  bool planeChanged = false;
  UndoSnapshot snap() const { return captureUndo(s, &d); }
  void frame(bool interacting = false) { h.observe(snap(), interacting); }
  bool undo() {
    auto u = h.undo(snap());
    if (u) planeChanged = restoreUndo(*u, s, &d);
    return bool(u);
  }
  bool redo() {
    auto r = h.redo(snap());
    if (r) planeChanged = restoreUndo(*r, s, &d);
    return bool(r);
  }
};

}  // namespace

TEST_CASE("every covered field is restored exactly") {
  Undoable u;
  u.frame();
  UndoSnapshot before = u.snap();
  u.s.planeMode = "points";
  u.s.planePoints = {{4, 17, 99}};
  u.s.axisI = 3;
  u.s.axisJ = 7;
  u.s.hiddenClasses[2] = u.s.hiddenClasses[9] = true;
  u.s.selected = 1234;
  u.d.sampler = "dpmpp-2m";
  u.d.steps = 17;
  u.d.guidance = 6.5f;
  u.d.eta = 0.25f;
  u.d.seed = 42;
  u.d.classIndex = 3;
  u.frame();
  UndoSnapshot after = u.snap();
  CHECK(after != before);
  CHECK(after.describeChange(before) == "plane, class visibility, selection, diffusion settings");
  CHECK(u.h.undoLabel() == "Undo plane, class visibility, selection, diffusion settings");
  REQUIRE(u.undo());
  CHECK(u.planeChanged);
  CHECK(u.s.planeMode == "pca");
  CHECK(u.s.planePoints == std::array<int64_t, 3>{{-1, -1, -1}});
  CHECK(u.s.axisI == 0);
  CHECK(u.s.axisJ == 1);
  CHECK(u.s.hiddenClasses == std::vector<bool>(10, false));
  CHECK(u.s.selected == -1);
  CHECK(u.d.sampler == "ddim");
  CHECK(u.d.steps == 50);
  CHECK(u.d.guidance == 3.f);
  CHECK(u.d.eta == 0.f);
  CHECK(u.d.seed == 0);
  CHECK(u.d.classIndex == -1);
  CHECK(u.snap() == before);
  REQUIRE(u.redo());
  CHECK(u.snap() == after);
  CHECK(u.s.planePoints == std::array<int64_t, 3>{{4, 17, 99}});
  CHECK(u.d.sampler == "dpmpp-2m");
  CHECK(u.d.eta == 0.25f);
}

TEST_CASE("a custom plane's vectors come back; other modes are recomputed") {
  Undoable u;
  u.s.planeMode = "custom";
  u.s.plane.origin = {1, 2, 3};
  u.s.plane.axisU = {1, 0, 0};
  u.s.plane.axisV = {0, 1, 0};
  u.frame();
  u.s.planeMode = "pca";
  u.s.plane.origin = {9, 9, 9};  // what the engine would compute
  u.frame();
  REQUIRE(u.undo());
  CHECK(u.planeChanged);
  CHECK(u.s.planeMode == "custom");
  CHECK(u.s.plane.origin == std::vector<float>{1, 2, 3});
  // In pca mode the engine refreshing the vectors is not a user change.
  u.redo();
  u.s.plane.origin = {5, 5, 5};
  u.frame();
  CHECK(u.h.undoSteps() == 1);
}

TEST_CASE("steps undo and redo in order; a new change clears redo") {
  Undoable u;
  u.frame();
  u.s.selected = 1;
  u.frame();
  u.s.hiddenClasses[4] = true;
  u.frame();
  u.d.steps = 20;
  u.frame();
  CHECK(u.h.undoSteps() == 3);
  CHECK(u.h.undoLabel() == "Undo diffusion settings");
  REQUIRE(u.undo());
  CHECK(u.d.steps == 50);
  CHECK(u.s.hiddenClasses[4]);
  CHECK(u.h.redoLabel() == "Redo diffusion settings");
  REQUIRE(u.undo());
  CHECK_FALSE(u.s.hiddenClasses[4]);
  CHECK(u.s.selected == 1);
  REQUIRE(u.redo());
  CHECK(u.s.hiddenClasses[4]);
  CHECK(u.h.canRedo());
  u.s.selected = 7;  // a new change
  u.frame();
  CHECK_FALSE(u.h.canRedo());
  CHECK_FALSE(u.redo());
  CHECK(u.s.selected == 7);
  REQUIRE(u.undo());
  CHECK(u.s.selected == 1);
  REQUIRE(u.undo());
  REQUIRE(u.undo());
  CHECK(u.s.selected == -1);
  CHECK_FALSE(u.undo());  // nothing older
  CHECK(u.s.selected == -1);
}

TEST_CASE("the engine padding the class list, rebase and reset make no steps") {
  Undoable u;
  u.s.hiddenClasses.clear();
  u.frame();
  u.s.hiddenClasses.resize(10, false);  // the engine learns the class count
  u.frame();
  CHECK(u.h.undoSteps() == 0);
  u.d.guidance = 5;  // a model's recommended settings while it loads
  u.h.rebase(u.snap());
  u.frame();
  CHECK(u.h.undoSteps() == 0);
  u.s.selected = 3;
  u.frame();
  CHECK(u.h.undoSteps() == 1);
  u.h.reset(u.snap());  // a new model: the old steps mean nothing now
  CHECK_FALSE(u.h.canUndo());
  CHECK_FALSE(u.h.canRedo());
}

TEST_CASE("a change still in progress is committed before Undo takes it back") {
  Undoable u;
  u.frame();
  u.d.guidance = 7;
  u.frame(true);  // mouse still down
  CHECK(u.h.undoSteps() == 0);
  REQUIRE(u.undo());
  CHECK(u.d.guidance == 3.f);
  CHECK(u.h.canRedo());
}

TEST_CASE("the history keeps at most its limit") {
  AppState s = startState();
  UndoHistory h(5);
  h.observe(captureUndo(s, nullptr), false);
  for (int i = 0; i < 12; ++i) {
    s.selected = i;
    h.observe(captureUndo(s, nullptr), false);
  }
  CHECK(h.undoSteps() == 5);
}

TEST_CASE("headless: a slider dragged over many frames is one step; Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y") {
  test::startHeadlessImGui(ImVec2(800, 600));
  Undoable u;
  ImVec2 sliderMin, sliderMax;
  auto frame = [&](ImVec2 mouse, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    if (auto s = pressedShortcut(io)) {
      if (*s == ShortcutId::Undo) u.undo();
      if (*s == ShortcutId::Redo) u.redo();
    }
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(800, 600));
    ImGui::Begin("settings");
    ImGui::SetNextItemWidth(500);
    ImGui::SliderFloat("Guidance", &u.d.guidance, 0.f, 10.f);
    sliderMin = ImGui::GetItemRectMin();
    sliderMax = ImGui::GetItemRectMax();
    ImGui::End();
    ImGui::Render();
    u.h.observe(u.snap(), ImGui::IsAnyMouseDown() || ImGui::IsAnyItemActive());
  };
  auto key = [&](int k, bool ctrl, bool shift) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = ctrl;
    io.KeyShift = shift;
    io.KeysDown[k] = true;
    frame(ImVec2(700, 500), false);
    io.KeysDown[k] = false;
    frame(ImVec2(700, 500), false);
    io.KeyCtrl = io.KeyShift = false;
  };
  frame(ImVec2(700, 500), false);
  frame(ImVec2(700, 500), false);
  REQUIRE(sliderMax.x > sliderMin.x);
  float y = std::floor((sliderMin.y + sliderMax.y) / 2), x0 = sliderMin.x + 10, x1 = sliderMax.x - 10;
  frame(ImVec2(x0, y), false);
  for (int i = 0; i <= 60; ++i) frame(ImVec2(std::floor(x0 + (x1 - x0) * i / 60.f), y), true);
  CHECK(u.h.undoSteps() == 0);  // still dragging
  frame(ImVec2(x1, y), false);
  frame(ImVec2(x1, y), false);
  float dragged = u.d.guidance;
  CHECK(dragged > 9.f);
  CHECK(u.h.undoSteps() == 1);  // 60 frames of change, one step

  key(GLFW_KEY_Z, true, false);
  CHECK(u.d.guidance == 3.f);
  key(GLFW_KEY_Z, true, true);
  CHECK(u.d.guidance == dragged);
  key(GLFW_KEY_Z, true, false);
  CHECK(u.d.guidance == 3.f);
  key(GLFW_KEY_Y, true, false);
  CHECK(u.d.guidance == dragged);
  key(GLFW_KEY_Z, false, false);  // plain Z is no shortcut
  CHECK(u.d.guidance == dragged);
  ImGui::DestroyContext();
}
