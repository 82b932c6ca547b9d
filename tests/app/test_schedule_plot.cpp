// The Schedule tab's plots: SNR from alpha_bar, hovering reads the timestep under the mouse
// (left = t 0, right = the last timestep, increasing in between; outside: none), and the
// labels (decades, t ticks, the t axis title) never run into each other.
#include <doctest/doctest.h>
#include <imgui.h>

#include <cmath>
#include <vector>

#include "app/panels/label_layout.h"
#include "app/panels/schedule_plot.h"
#include "app_test_support.h"

using namespace latentlab;

TEST_CASE("log10 SNR of alpha_bar, finite at both ends") {
  CHECK(log10Snr(0.5) == doctest::Approx(0.0));
  CHECK(log10Snr(0.9) == doctest::Approx(std::log10(9.0)));
  CHECK(log10Snr(0.01) == doctest::Approx(std::log10(0.01 / 0.99)));
  CHECK(std::isfinite(log10Snr(0.0)));
  CHECK(std::isfinite(log10Snr(1.0)));
  CHECK(log10Snr(1.0) > log10Snr(0.0));
}

namespace {
// The linear beta schedule of DDPM (1e-4 .. 0.02 over 1000 steps).
std::vector<double> linearAlphaBars() {
  std::vector<double> alphaBars(1000);
  double a = 1;
  for (size_t t = 0; t < alphaBars.size(); ++t) alphaBars[t] = a *= 1 - (1e-4 + (0.02 - 1e-4) * double(t) / 999);
  return alphaBars;
}
}  // namespace

TEST_CASE("the schedule plots' labels never overlap, and the t axis is labelled") {
  std::vector<double> alphaBars = linearAlphaBars();
  for (float scale : {1.f, 2.f})
    for (ImVec2 size : {ImVec2(600, 400), ImVec2(320, 220), ImVec2(900, 700)}) {
      CAPTURE(scale);
      CAPTURE(size.x);
      CAPTURE(size.y);
      test::startHeadlessImGui(ImVec2(1000, 800));
      ImGui::GetIO().FontGlobalScale = scale;
      ImGui::NewFrame();
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(1000, 800));
      ImGui::Begin("plots", nullptr, ImGuiWindowFlags_NoTitleBar);
      ImVec2 origin = ImGui::GetCursorScreenPos();
      std::vector<ImVec4> texts;
      drawSchedulePlots(alphaBars, ScheduleMarks{{999, 500, 0}, 500}, size, &texts);
      ImGui::End();
      ImGui::Render();
      ImGui::DestroyContext();
      REQUIRE(texts.size() >= 8);  // two titles, decade labels on both plots, t ticks, the axis title
      float fs = 13.f * scale;
      int axisTitles = 0;
      for (size_t i = 0; i < texts.size(); ++i) {
        const ImVec4& r = texts[i];
        CHECK(r.x >= origin.x - 0.5f);  // inside the area given
        CHECK(r.x + r.z <= origin.x + size.x + 0.5f);
        CHECK(r.y >= origin.y - 0.5f);
        CHECK(r.y + r.w <= origin.y + size.y + 0.5f);
        if (r.y > origin.y + size.y - fs * 1.6f) ++axisTitles;  // the bottom line: the t axis title
        for (size_t j = i + 1; j < texts.size(); ++j) {
          CAPTURE(i);
          CAPTURE(j);
          CHECK_FALSE(rectsOverlap(r, texts[j]));
        }
      }
      CHECK(axisTitles == 1);
    }
}

TEST_CASE("hovering the schedule plots reads the timestep under the mouse") {
  test::startHeadlessImGui(ImVec2(800, 600));
  std::vector<double> alphaBars = linearAlphaBars();
  ImVec2 origin;
  auto hoverAt = [&](ImVec2 mouse) {
    int64_t hovered = -1;
    for (int frame = 0; frame < 2; ++frame) {  // hover state needs the window from a frame before
      ImGui::GetIO().MousePos = mouse;
      ImGui::NewFrame();
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(800, 600));
      ImGui::Begin("plots", nullptr, ImGuiWindowFlags_NoTitleBar);
      origin = ImGui::GetCursorScreenPos();
      hovered = drawSchedulePlots(alphaBars, ScheduleMarks{{999, 500, 0}, 500}, ImVec2(600, 400));
      ImGui::End();
      ImGui::Render();
    }
    return hovered;
  };
  hoverAt(ImVec2(-100, -100));
  CHECK(hoverAt(ImVec2(-100, -100)) == -1);
  int64_t right = hoverAt(ImVec2(origin.x + 600 - 5, origin.y + 100));
  int64_t middle = hoverAt(ImVec2(origin.x + 330, origin.y + 100));
  int64_t lower = hoverAt(ImVec2(origin.x + 330, origin.y + 300));  // the SNR plot below
  CHECK(right >= 990);
  CHECK(right <= 999);
  CHECK(middle > 300);
  CHECK(middle < 700);
  CHECK(lower == middle);  // both plots share the time axis
  CHECK(hoverAt(ImVec2(origin.x + 700, origin.y + 100)) == -1);  // right of the plots
  ImGui::DestroyContext();
}
