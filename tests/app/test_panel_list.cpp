// Every registered panel (app/panel_list.cpp), in a loop: a unique id, a title and notes;
// a place for every kind of model (exactly one main panel each); it draws headless without
// an engine; its session state survives a save and restore.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "app/panel_list.h"
#include "app_test_support.h"

using namespace latentlab;

TEST_CASE("every registered panel has an id, a title, notes and a place for every kind of model") {
  auto panels = makePanels();
  REQUIRE(panels.size() >= 6);
  std::set<std::string> ids, titles;
  for (auto& e : panels) {
    CAPTURE(e.panel->id());
    CHECK(ids.insert(e.panel->id()).second);
    CHECK(titles.insert(e.panel->title()).second);
    CHECK(!e.panel->title().empty());
    CHECK(std::string(e.panel->notesText()).size() > 40);
    REQUIRE(e.placement);
  }
  for (ModelKind kind : {ModelKind::None, ModelKind::Autoencoder, ModelKind::LatentDiffusion, ModelKind::PixelDiffusion,
                         ModelKind::Gan, ModelKind::Tokens}) {
    int mains = 0, shown = 0;
    for (auto& e : panels) {
      Placement p = e.placement(kind);
      mains += p.role == PanelRole::Main;
      shown += p.role != PanelRole::Hidden;
      if (p.role != PanelRole::Hidden) {
        CHECK(p.weight > 0);
        CHECK(p.minWidthEm > 0);
        CHECK(p.minHeightEm > 0);
      }
    }
    CAPTURE(int(kind));
    // One main panel; a GAN's Train view sits in the main area too, under its map, and so
    // does the VAE Train view (closed until opened) with an autoencoder or no model.
    // A token model: its Next token bars sit under its Tokens view, and the map of its code
    // vectors (closed until opened from View) above them. The Lesson panel (closed until a
    // lesson opens) sits under the map, beside a pixel Diffusion or a Tokens view.
    bool lessonMain = kind != ModelKind::PixelDiffusion && kind != ModelKind::Tokens;
    CHECK(mains == (kind == ModelKind::Tokens ? 3
                    : kind == ModelKind::Gan || kind == ModelKind::Autoencoder || kind == ModelKind::None
                        ? 2
                        : 1) + (lessonMain ? 1 : 0));
    CHECK(shown >= 3);
  }
}

TEST_CASE("every registered panel draws headless, keeps its window inside its placement, and round-trips its state") {
  test::startHeadlessImGui(ImVec2(1200, 800));
  auto panels = makePanels();
  AppState state;
  TextureSource textures;
  PointsDrawer drawer;
  for (auto& e : panels) {
    CAPTURE(e.panel->id());
    e.panel->setPlacement(ImVec2(100, 50), ImVec2(500, 400));
    UiRequests req;
    PanelContext ctx{state, req, textures, drawer};
    for (int frame = 0; frame < 2; ++frame) {
      ImGui::NewFrame();
      e.panel->draw(ctx, true);
      ImGui::Render();
    }
    REQUIRE(ctx.rects.count("window:" + e.panel->id()));
    ImVec4 r = ctx.rects["window:" + e.panel->id()];
    CHECK(r.x == 100);
    CHECK(r.y == 50);
    CHECK(r.z == 500);
    CHECK(r.w == 400);
    nlohmann::json saved = nlohmann::json::object();
    e.panel->saveState(saved);
    std::vector<std::string> warnings;
    e.panel->restoreState(saved, warnings);
    CHECK(warnings.empty());
    nlohmann::json again = nlohmann::json::object();
    e.panel->saveState(again);
    CHECK(again == saved);
    // A wrong type in the saved state is a warning at most, never an exception.
    nlohmann::json bad = {{"open", 5}, {"tab", 7}, {"settings", "x"}};
    CHECK_NOTHROW(e.panel->restoreState(bad, warnings));
  }
  ImGui::DestroyContext();
}
