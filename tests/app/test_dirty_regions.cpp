// Partial redraw's bookkeeping (app/dirty_regions.h), on real ImGui draw data built headless:
// an unchanged frame redraws nothing, a moved shape redraws its old and new places and not
// the rest, a re-uploaded texture redraws where it is drawn, the first frame redraws all,
// and merging keeps every changed pixel covered.
#include <doctest/doctest.h>
#include <imgui.h>

#include <functional>

#include "app/dirty_regions.h"
#include "app_test_support.h"

using namespace latentlab;

namespace {

struct Headless {
  Headless() {
    test::startHeadlessImGui(ImVec2(800, 600));
  }
  ~Headless() { ImGui::DestroyContext(); }
  // One frame: a window filling the display whose draw list gets `draw`.
  FrameSnapshot frame(const std::function<void(ImDrawList*)>& draw) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(800, 600));
    ImGui::Begin("w", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize);
    ImGui::Text("a line of text that does not change");
    draw(ImGui::GetWindowDrawList());
    ImGui::End();
    ImGui::Render();
    FrameSnapshot s;
    s.capture(*ImGui::GetDrawData());
    return s;
  }
};

bool covers(const std::vector<DirtyRect>& rects, float x, float y) {
  for (auto& r : rects)
    if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) return true;
  return false;
}

float totalArea(const std::vector<DirtyRect>& rects) {
  float a = 0;
  for (auto& r : rects) a += r.area();
  return a;
}

const ImVec2 kDisplay(800, 600);

}  // namespace

TEST_CASE("partial redraw: nothing changed, nothing to draw; the first frame draws all") {
  Headless h;
  auto square = [](ImDrawList* dl) { dl->AddRectFilled(ImVec2(100, 100), ImVec2(120, 120), IM_COL32(255, 0, 0, 255)); };
  FrameSnapshot a = h.frame(square), b = h.frame(square);
  CHECK(dirtyRegions(a, b, {}, {}, kDisplay).empty());
  auto first = dirtyRegions(FrameSnapshot{}, b, {}, {}, kDisplay);
  REQUIRE(first.size() == 1);
  CHECK(first[0].area() == doctest::Approx(800 * 600));
}

TEST_CASE("partial redraw: a moved shape redraws its old and new places only") {
  Headless h;
  FrameSnapshot a = h.frame([](ImDrawList* dl) { dl->AddCircleFilled(ImVec2(100, 100), 10, IM_COL32(255, 255, 255, 255)); });
  FrameSnapshot b = h.frame([](ImDrawList* dl) { dl->AddCircleFilled(ImVec2(600, 400), 10, IM_COL32(255, 255, 255, 255)); });
  auto rects = dirtyRegions(a, b, {}, {}, kDisplay);
  CHECK(covers(rects, 100, 100));
  CHECK(covers(rects, 109, 100));
  CHECK(covers(rects, 600, 400));
  CHECK(covers(rects, 591, 400));
  CHECK_FALSE(covers(rects, 350, 250));  // between them: untouched
  CHECK(totalArea(rects) < 0.02f * 800 * 600);
}

TEST_CASE("partial redraw: a re-uploaded texture redraws the image, extra regions are kept") {
  Headless h;
  auto tex = reinterpret_cast<ImTextureID>(intptr_t(42));
  auto image = [&](ImDrawList* dl) { dl->AddImage(tex, ImVec2(300, 200), ImVec2(400, 300)); };
  FrameSnapshot a = h.frame(image), b = h.frame(image);
  CHECK(dirtyRegions(a, b, {}, {}, kDisplay).empty());
  auto rects = dirtyRegions(a, b, {tex}, {}, kDisplay);
  CHECK(covers(rects, 350, 250));
  CHECK(covers(rects, 301, 201));
  CHECK_FALSE(covers(rects, 500, 250));
  auto extra = dirtyRegions(a, b, {}, {DirtyRect{10, 10, 50, 50}}, kDisplay);
  REQUIRE(extra.size() == 1);
  CHECK(covers(extra, 30, 30));
  // Regions are clipped to the display.
  auto outside = dirtyRegions(a, b, {}, {DirtyRect{700, 500, 900, 700}}, kDisplay);
  REQUIRE(outside.size() == 1);
  CHECK(outside[0].x1 == 800);
  CHECK(outside[0].y1 == 600);
}

TEST_CASE("partial redraw: an added shape redraws its place, not the shapes before or after it") {
  Headless h;
  FrameSnapshot a = h.frame([](ImDrawList* dl) { dl->AddRectFilled(ImVec2(10, 500), ImVec2(30, 520), IM_COL32_WHITE); });
  FrameSnapshot a2 = h.frame([](ImDrawList* dl) {
    dl->AddRectFilled(ImVec2(10, 500), ImVec2(30, 520), IM_COL32_WHITE);
    dl->AddRectFilled(ImVec2(200, 300), ImVec2(220, 320), IM_COL32_WHITE);
  });
  FrameSnapshot b = h.frame([](ImDrawList* dl) {
    dl->AddRectFilled(ImVec2(10, 500), ImVec2(30, 520), IM_COL32_WHITE);
    dl->AddRectFilled(ImVec2(700, 50), ImVec2(720, 70), IM_COL32_WHITE);
    dl->AddRectFilled(ImVec2(200, 300), ImVec2(220, 320), IM_COL32_WHITE);
  });
  auto rects = dirtyRegions(a2, b, {}, {}, kDisplay);
  CHECK(covers(rects, 710, 60));
  CHECK_FALSE(covers(rects, 20, 510));   // before the new shape: the same
  CHECK_FALSE(covers(rects, 210, 310));  // after it: the same
  // A removed shape redraws where it was.
  auto removed = dirtyRegions(b, a2, {}, {}, kDisplay);
  CHECK(covers(removed, 710, 60));
  CHECK_FALSE(covers(removed, 210, 310));
  (void)a;
}

TEST_CASE("merging keeps every input rectangle covered and respects the limit") {
  std::vector<DirtyRect> in;
  for (int i = 0; i < 20; ++i) in.push_back({float(i * 37 % 700), float(i * 53 % 500), float(i * 37 % 700 + 20), float(i * 53 % 500 + 15)});
  auto out = mergeRects(in, 4);
  CHECK(out.size() <= 4);
  for (auto& r : in) {
    CHECK(covers(out, r.x0, r.y0));
    CHECK(covers(out, r.x1, r.y1));
  }
  // Overlapping rectangles become one.
  auto one = mergeRects({{0, 0, 10, 10}, {5, 5, 20, 20}}, 8);
  REQUIRE(one.size() == 1);
  CHECK(one[0].x1 == 20);
}
