// Lessons (app/lesson/): every bundled lesson parses (8-15 steps, models that exist, panels the
// model shows); a malformed lesson is one line naming the file and the field; in a headless
// GuiApp the Lesson panel's Next/Back buttons and PageDown/PageUp/Right/Left keys move through
// the steps and each step's panels open, presenter mode locks the controls a step does not
// name (a click on a locked checkbox changes nothing; unlocked, the same click does), and a
// step whose model is missing says so in the panel instead of failing.
#include <doctest/doctest.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/gui_app.h"
#include "app/lesson/bundled_lessons.h"
#include "app/lesson/lesson.h"
#include "app/lesson/lesson_panel.h"
#include "app/lesson/lesson_text.h"
#include "app/panels/param_help.h"
#include "app_test_support.h"
#include "engine/util/errors.h"
#include "gui_app_harness.h"

using namespace latentlab;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
struct Headless {
  Headless() {
    test::startHeadlessImGui(ImVec2(1600, 1000));
    ImGuiIO& io = ImGui::GetIO();
    // What the GLFW backend maps; the headless context has none.
    io.KeyMap[ImGuiKey_PageDown] = GLFW_KEY_PAGE_DOWN;
    io.KeyMap[ImGuiKey_PageUp] = GLFW_KEY_PAGE_UP;
    io.KeyMap[ImGuiKey_RightArrow] = GLFW_KEY_RIGHT;
    io.KeyMap[ImGuiKey_LeftArrow] = GLFW_KEY_LEFT;
  }
  ~Headless() { ImGui::DestroyContext(); }
};

void mouseFrame(GuiApp& app, ImVec2 p, bool left = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = left;
  app.headlessFrame();
}
void click(GuiApp& app, const char* key) {
  ImVec4 r = helpItemRect(key);
  REQUIRE_MESSAGE(r.z > 0, key);
  ImVec2 p(r.x + r.z * 0.5f, r.y + r.w * 0.5f);
  mouseFrame(app, p);
  mouseFrame(app, p, true);
  mouseFrame(app, p);
}
void press(GuiApp& app, int key) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  io.KeysDown[key] = true;
  app.headlessFrame();
  io.KeysDown[key] = false;
  app.headlessFrame();
}

std::string vae2() { return test::sourcePath("assets/models/fashion-vae-2"); }

std::string lessonError(const json& j) {
  try {
    parseLesson(j, "my-lesson.json", registeredPanelIds());
  } catch (const BadInput& e) {
    return e.what();
  }
  return "";
}

json minimal() {
  return {{"format", "latentlab-lesson/1"},
          {"title", "T"},
          {"model", vae2()},
          {"steps", json::array({{{"title", "A"}, {"text", "a"}}, {{"title", "B"}, {"text", "b"}}})}};
}

bool isOpen(GuiApp& app, const std::string& id) { return app.panel(id) && app.panel(id)->open; }
}  // namespace

TEST_CASE("every bundled lesson parses: 8-15 steps, a title and text each, models that exist") {
  auto files = listBundledLessons();
  REQUIRE(files.size() >= 5);
  for (const std::string& f : files) {
    CAPTURE(f);
    Lesson l = loadLesson(f, registeredPanelIds());
    CHECK(!l.title.empty());
    CHECK(l.steps.size() >= 8);
    CHECK(l.steps.size() <= 15);
    for (const LessonStep& s : l.steps) {
      CAPTURE(s.title);
      CHECK(!s.text.empty());
      CHECK(fs::exists(fs::path(s.model) / "model.json"));
      CHECK(!s.panels.empty());
      for (auto& u : s.unlock) CHECK(std::find(s.panels.begin(), s.panels.end(), u) != s.panels.end());
    }
  }
}

TEST_CASE("a malformed lesson is one line that names the file and the field") {
  CHECK(lessonError(minimal()) == "");
  struct Case {
    std::function<void(json&)> edit;
    std::string expect;
  };
  std::vector<Case> cases = {
      {[](json& j) { j["format"] = "latentlab-lesson/2"; }, "my-lesson.json: format: must be \"latentlab-lesson/1\""},
      {[](json& j) { j.erase("title"); }, "my-lesson.json: title: is missing"},
      {[](json& j) { j["steps"] = json::array(); }, "my-lesson.json: steps: must be a non-empty list"},
      {[](json& j) { j["stepz"] = 1; }, "my-lesson.json: stepz: unknown field"},
      {[](json& j) { j["steps"][1]["difusion"] = json::object(); }, "my-lesson.json: steps[1].difusion: unknown field"},
      {[](json& j) { j["steps"][0].erase("text"); }, "my-lesson.json: steps[0].text: is missing"},
      {[](json& j) { j["steps"][0]["text"] = 3; }, "my-lesson.json: steps[0].text: must be a string or a list"},
      {[](json& j) { j["steps"][0]["panels"] = {"map", "mapp"}; }, "my-lesson.json: steps[0].panels: unknown panel \"mapp\""},
      {[](json& j) { j["steps"][1]["diffusion"] = {{"sampler", "dim"}}; },
       "my-lesson.json: steps[1].diffusion.sampler: must be one of ddpm, ddim, euler, dpmpp-2m, not \"dim\""},
      {[](json& j) { j["steps"][1]["diffusion"] = {{"steps", 2.5}}; }, "my-lesson.json: steps[1].diffusion.steps: must be a whole number"},
      {[](json& j) { j["steps"][1]["diffusion"] = {{"guidance", 99}}; }, "my-lesson.json: steps[1].diffusion.guidance: must be between 0 and 20"},
      {[](json& j) { j["steps"][0]["map"] = {{"axes", {1, 1}}}; }, "my-lesson.json: steps[0].map.axes: must be two different"},
      {[](json& j) { j["steps"][0]["map"] = {{"projection", "tsne"}}; }, "my-lesson.json: steps[0].map.projection: must be one of pca, axes"},
      {[](json& j) { j["steps"][0]["interpolation"] = {{"endpoints", {"item:3", "itme:4"}}}; },
       "my-lesson.json: steps[0].interpolation.endpoints: \"itme:4\" is not item:INDEX or prior:SEED"},
      {[](json& j) { j["steps"][0]["seeds"] = {{"class", -3}}; }, "my-lesson.json: steps[0].seeds.class: must be a class name"},
      {[](json& j) { j["steps"][0]["panel_state"] = {{"nosuch", json::object()}}; }, "my-lesson.json: steps[0].panel_state: unknown panel"},
      {[](json& j) { j.erase("model"); }, "my-lesson.json: steps[0].model: is missing"},
  };
  for (auto& c : cases) {
    json j = minimal();
    c.edit(j);
    std::string err = lessonError(j);
    CAPTURE(j.dump());
    CHECK_MESSAGE(err.find(c.expect) == 0, err);
    CHECK(err.find('\n') == std::string::npos);
  }
  // Syntax errors and duplicate keys come from the strict reader, with the file name.
  std::string dir = test::tempDir("lesson-parse");
  test::writeText(dir + "/dup.json", R"({"format": "latentlab-lesson/1", "title": "a", "title": "b", "steps": []})");
  test::writeText(dir + "/cut.json", R"({"format": "latentlab-lesson/1", "title": )");
  for (const char* f : {"/dup.json", "/cut.json"}) {
    std::string err;
    try {
      loadLesson(dir + f, registeredPanelIds());
    } catch (const BadInput& e) {
      err = e.what();
    }
    CAPTURE(err);
    CHECK(err.find(dir + f) != std::string::npos);
    CHECK(err.find('\n') == std::string::npos);
  }
}

TEST_CASE("lesson text: **bold** words are marked, the rest split on spaces") {
  auto w = lessonWords("a **latent code** is\nshort");
  REQUIRE(w.size() == 5);
  CHECK(w[0].text == "a");
  CHECK_FALSE(w[0].bold);
  CHECK(w[1].text == "latent");
  CHECK(w[1].bold);
  CHECK(w[2].bold);
  CHECK(w[3].text == "is");
  CHECK_FALSE(w[3].bold);
  CHECK_FALSE(w[3].glued);
  auto g = lessonWords("the **holes**. Then");
  REQUIRE(g.size() == 4);
  CHECK(g[1].text == "holes");
  CHECK(g[2].text == ".");
  CHECK(g[2].glued);  // drawn right after "holes", no space
  CHECK_FALSE(g[3].glued);
}

TEST_CASE("Next/Back buttons and PageDown/PageUp/Right/Left move through the steps; presenter mode locks what a step does not name") {
  Headless h;
  std::string dir = test::tempDir("lesson-nav");
  json lesson = {{"format", "latentlab-lesson/1"},
                 {"title", "Navigation"},
                 {"model", vae2()},
                 {"steps",
                  {{{"title", "Map only"}, {"text", "one"}, {"panels", {"map"}}},
                   {{"title", "Grid, locked"}, {"text", "two"}, {"panels", {"map", "manifold"}}, {"map", {{"grid_k", 4}}}},
                   {{"title", "Grid, unlocked"}, {"text", "three"}, {"panels", {"map", "manifold"}}, {"unlock", {"manifold"}}},
                   {{"title", "Image"}, {"text", "four"}, {"panels", {"map", "image"}}, {"selected", 5}}}}};
  test::writeText(dir + "/nav.json", lesson.dump());
  auto app = test::makeHeadlessApp(vae2(), test::smallFashion(300), 4);
  auto* l = dynamic_cast<LessonPanel*>(app->panel("lesson"));
  REQUIRE(l);
  REQUIRE(l->openLesson(dir + "/nav.json", 0, true));
  auto settle = [&] { REQUIRE(test::framesUntil(*app, [&] { return l->settled() && app->engine().latents(); })); };
  settle();
  CHECK(l->step() == 0);
  CHECK(isOpen(*app, "map"));
  CHECK(isOpen(*app, "lesson"));
  CHECK_FALSE(isOpen(*app, "manifold"));
  CHECK_FALSE(isOpen(*app, "image"));
  CHECK(app->panel("map")->locked);
  CHECK_FALSE(app->panel("lesson")->locked);
  CHECK(app->state().uiScale >= 1.75f);  // presenter: large UI

  // Back is disabled on the first step: a click does nothing.
  click(*app, "lesson-back");
  CHECK(l->step() == 0);
  click(*app, "lesson-next");
  CHECK(l->step() == 1);
  settle();
  CHECK(isOpen(*app, "manifold"));
  CHECK(app->state().gridK == 4);
  CHECK(app->panel("manifold")->locked);

  // Locked: the "Over the map" checkbox ignores a click.
  for (int i = 0; i < 3; ++i) app->headlessFrame();  // laid out with the new panel
  bool overlay = app->state().gridOverlay;
  click(*app, "grid-overlay");
  CHECK(app->state().gridOverlay == overlay);

  press(*app, GLFW_KEY_PAGE_DOWN);
  CHECK(l->step() == 2);
  settle();
  CHECK_FALSE(app->panel("manifold")->locked);  // this step unlocks it
  CHECK(app->panel("map")->locked);
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  click(*app, "grid-overlay");
  CHECK(app->state().gridOverlay != overlay);  // the same click now works

  press(*app, GLFW_KEY_RIGHT);
  CHECK(l->step() == 3);
  settle();
  CHECK(isOpen(*app, "image"));
  CHECK_FALSE(isOpen(*app, "manifold"));
  CHECK(app->state().selected == 5);
  press(*app, GLFW_KEY_PAGE_DOWN);  // past the last: stays
  CHECK(l->step() == 3);
  press(*app, GLFW_KEY_PAGE_UP);
  CHECK(l->step() == 2);
  press(*app, GLFW_KEY_LEFT);
  CHECK(l->step() == 1);

  // Presenter off: nothing is locked, the scale goes back.
  click(*app, "lesson-presenter");
  CHECK_FALSE(l->presenter());
  for (Panel* p : app->shownPanels()) CHECK_FALSE(p->locked);
  CHECK(app->state().uiScale == doctest::Approx(1.f));
  CHECK(l->problems().empty());

  // Presenter again, then the Lesson panel closed with its X: the lesson ends, nothing stays
  // locked, the scale goes back.
  for (int i = 0; i < 3; ++i) app->headlessFrame();  // laid out again at 1x
  click(*app, "lesson-presenter");
  REQUIRE(l->presenter());
  CHECK(app->panel("map")->locked);
  l->open = false;
  app->headlessFrame();
  CHECK_FALSE(l->hasLesson());
  for (Panel* p : app->shownPanels()) CHECK_FALSE(p->locked);
  CHECK(app->state().uiScale == doctest::Approx(1.f));
}

TEST_CASE("a step whose model is missing says so in the Lesson panel; the app keeps going") {
  Headless h;
  std::string dir = test::tempDir("lesson-missing");
  json lesson = minimal();
  lesson["steps"][1]["model"] = "no-such-model";
  test::writeText(dir + "/missing.json", lesson.dump());
  auto app = test::makeHeadlessApp(vae2(), test::smallFashion(300), 4);
  auto* l = dynamic_cast<LessonPanel*>(app->panel("lesson"));
  REQUIRE(l->openLesson(dir + "/missing.json", 1, false));
  REQUIRE(test::framesUntil(*app, [&] { return l->settled(); }));
  REQUIRE(l->problems().size() == 1);
  CHECK(l->problems()[0].find("no-such-model") != std::string::npos);
  CHECK(l->problems()[0].find("not here") != std::string::npos);
  CHECK_FALSE(app->frameFailed());
  l->back();  // the first step's model is there: no message
  REQUIRE(test::framesUntil(*app, [&] { return l->settled(); }));
  CHECK(l->problems().empty());
}

TEST_CASE("a broken lesson file opened from the menu leaves a message, not a crash") {
  Headless h;
  std::string dir = test::tempDir("lesson-broken");
  test::writeText(dir + "/broken.json", R"({"format": "latentlab-lesson/1"})");
  auto app = test::makeHeadlessApp(vae2(), test::smallFashion(300), 4);
  auto* l = dynamic_cast<LessonPanel*>(app->panel("lesson"));
  CHECK_FALSE(l->openLesson(dir + "/broken.json", 0, false));
  CHECK(l->error().find("title: is missing") != std::string::npos);
  CHECK_FALSE(l->hasLesson());
}
