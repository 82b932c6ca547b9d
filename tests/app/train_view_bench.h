// A live-training view (the GAN's and the VAE's Train views) alone in a headless ImGui frame,
// with the app's real EngineClient as its FeatureJobs: frames, clicks on help-keyed items
// and polling until a condition holds. No model is loaded: a Train view needs none.
#pragma once
#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <thread>

#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "app_test_support.h"

namespace latentlab::test {

template <class PanelT>
struct TrainViewBench {
  AppState state;
  EngineClient engine{1};
  TextureSource textures;
  PointsDrawer points;
  PanelT panel;
  explicit TrainViewBench(ImVec2 panelSize) {
    startHeadlessImGui(ImVec2(1600, 1000));
    panel.setPlacement(ImVec2(0, 0), panelSize);
  }
  ~TrainViewBench() {
    engine.shutdown(10);
    ImGui::DestroyContext();
  }
  void frame(ImVec2 mouse, bool down = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    engine.poll(state);
    ImGui::NewFrame();
    UiRequests requests;
    PanelContext ctx{state, requests, textures, points, &engine, &engine};
    panel.draw(ctx, true);
    ImGui::Render();
  }
  void frame() { frame(ImGui::GetIO().MousePos); }
  // Frames every 10 ms until `done` holds (about a minute at most); false on timeout.
  bool until(const std::function<bool()>& done) {
    for (int i = 0; i < 6000; ++i) {
      frame();
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void click(ImVec2 p) {
    frame(p);
    frame(p, true);
    frame(p);
    frame(p);
  }
  // The point `fx` of the way across the item registered under help key `key`.
  ImVec2 at(const char* key, float fx = 0.5f) {
    ImVec4 r = helpItemRect(key);
    REQUIRE_MESSAGE(r.z > 0, key);
    return ImVec2(std::floor(r.x + r.z * fx), std::floor(r.y + r.w * 0.5f));
  }
  void clickKey(const char* key, float fx = 0.5f) { click(at(key, fx)); }
  // A copy of the training record's per-step history, taken under its lock.
  auto history() {
    auto rec = panel.record();
    std::lock_guard<std::mutex> lock(rec->mutex);
    return rec->history;
  }
};

}  // namespace latentlab::test
