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

TEST_CASE("pixel rectangles: a clip cut to the damage scissors to exactly the intersection") {
  // What the renderer draws for a command, cut to a damage rectangle by a new clip, is the
  // same pixel set as its whole-frame scissor intersected with the damage: no column or row
  // is cleared and then left undrawn, none is drawn outside. Fractional clips, scales 1 and 2.
  const int fbw = 1600, fbh = 1000;
  uint32_t seed = 12345;
  auto rnd = [&](float lo, float hi) {
    seed = seed * 1664525u + 1013904223u;
    return lo + (hi - lo) * float(seed >> 8) / float(1 << 24);
  };
  for (float scale : {1.f, 2.f}) {
    ImVec2 s(scale, scale), off(0, 0);
    float dw = fbw / scale, dh = fbh / scale;
    for (int i = 0; i < 2000; ++i) {
      float x0 = rnd(-20, dw), y0 = rnd(-20, dh);
      ImVec4 clip(x0, y0, x0 + rnd(0, 400), y0 + rnd(0, 300));
      PixelRect full = rendererScissor(clip, off, s, fbw, fbh);
      // The clip's own display rectangle, rounded outward, holds every pixel it draws.
      PixelRect out = toPixels(DirtyRect{clip.x, clip.y, clip.z, clip.w}, off, s, fbw, fbh);
      if (!full.empty()) {
        CHECK(out.x0 <= full.x0);
        CHECK(out.y0 <= full.y0);
        CHECK(out.x1 >= full.x1);
        CHECK(out.y1 >= full.y1);
      }
      int dx = int(rnd(0, fbw - 1)), dy = int(rnd(0, fbh - 1));
      PixelRect damage{dx, dy, std::min(fbw, dx + int(rnd(1, 300))), std::min(fbh, dy + int(rnd(1, 200)))};
      PixelRect want = intersect(full, damage);
      PixelRect got = rendererScissor(clipFor(want, off, s), off, s, fbw, fbh);
      CHECK(got == want);
    }
  }
  // A known case by hand: clip x 10.5 .. 20.7 covers columns 10..19 (the renderer truncates
  // the start and the width); y 100.5 .. 110.2 covers rows 102..110: GL counts rows from the
  // bottom, 600 - 110.2 truncates to 489, the height 9.7 to 9.
  PixelRect p = rendererScissor(ImVec4(10.5f, 100.5f, 20.7f, 110.2f), ImVec2(0, 0), ImVec2(1, 1), 800, 600);
  CHECK(p == PixelRect{10, 102, 20, 111});
}
