// Partial redraw shows exactly the picture a whole redraw shows (issue 9 item 2). The real
// window under Xvfb (Mesa llvmpipe, where the app redraws only what changed into a
// single-buffered window) is driven with xdotool through a scripted session: hovering points
// (tooltips), the manifold grid over the map, dragging the decode cursor over it, zooming
// with the wheel, panning, scrubbing the Dot size slider, tooltips over the Performance plot,
// switching to fashion-ldm in the model picker, a latent-diffusion run, scrubbing its
// timeline by mouse and keys. The app runs with LATENTLAB_REDRAW_CHECK, which draws every
// frame a second time, whole, with the plain renderer, and compares the two pixel for pixel
// (app/gl/redraw_check.h). The test asserts that no frame differed, and that the run really
// exercised what it claims (enough frames, tooltips, the picker, the Diffusion panel), so it
// cannot pass by doing nothing. Where to point comes from the same app driven headless first
// (GuiApp's rectangles), so the script follows the layout instead of hard-coding it.
// Before the fix 413 of 413 checked frames differed.
#include <doctest/doctest.h>

#include <GLFW/glfw3.h>  // key codes (the GLFW backend indexes io.KeysDown by them)

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/app_test_support.h"
#include "app/bundled_models.h"
#include "app/gui_app.h"
#include "app/panels/param_help.h"

using namespace latentlab;
using nlohmann::json;

namespace {

std::string bundled(const std::string& name) { return test::sourcePath("assets/models/" + name); }

bool anyWindow(const json& windows, const std::string& part) {
  for (auto& w : windows)
    if (w.get<std::string>().find(part) != std::string::npos) return true;
  return false;
}

// Window pixels (ImGui units at UI scale 1) of what the script points at: x, y, w, h.
struct Places {
  ImVec4 map, dotSize, perf, picker, gridOverlay;  // fashion-vae-16
  std::string ldmEntry;               // fashion-ldm's line in the picker's open list
  ImVec4 ldmMap, diffusion, timeline;  // fashion-ldm after one run
};

bool framesUntil(GuiApp& app, const std::function<bool()>& done) {
  for (int i = 0; i < 12000; ++i) {
    app.headlessFrame();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

ImVec4 rect(const GuiApp& app, const std::string& name) {
  auto it = app.rects().find(name);
  REQUIRE_MESSAGE(it != app.rects().end(), name);
  return it->second;
}

// A point inside rectangle r at fractions (fx, fy), as "X Y".
std::string at(const ImVec4& r, float fx, float fy) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %d", int(r.x + fx * r.z), int(r.y + fy * r.w));
  return buf;
}

Places discover(const std::string& data) {
  test::startHeadlessImGui(ImVec2(1600, 1000));
  Places p;
  {
    AppState s;
    s.modelDir = bundled("fashion-vae-16");
    s.dataSpec = data;
    s.device = "cpu";
    GuiApp app(GuiOptions{}, s);
    app.start();
    REQUIRE(framesUntil(app, [&] { return app.engine().points().count() > 0; }));
    for (int i = 0; i < 3; ++i) app.headlessFrame();
    p.map = rect(app, "map");
    p.perf = rect(app, "window:perf");
    p.dotSize = helpItemRect("dot-size");
    p.picker = helpItemRect("model");
    p.gridOverlay = helpItemRect("grid-overlay");
    // The open list starts below the combo after the popup's padding (style.WindowPadding.y,
    // 8 at scale 1), one line (font 15 + item spacing 4) per model in listBundledModels() order.
    auto models = listBundledModels();
    auto ldm = std::find_if(models.begin(), models.end(),
                            [](const std::string& d) { return std::filesystem::path(d).filename() == "fashion-ldm"; });
    REQUIRE(ldm != models.end());
    ImGuiStyle& st = ImGui::GetStyle();
    float line = ImGui::GetFontSize() + st.ItemSpacing.y;
    p.ldmEntry = at(ImVec4(p.picker.x, p.picker.y + p.picker.w + st.WindowPadding.y + line * float(ldm - models.begin()),
                           p.picker.z, line), .2f, .5f);
    app.openModel(bundled("fashion-ldm"));
    REQUIRE(framesUntil(app, [&] {
      return app.engine().diffusion() && !app.engine().loading() && app.engine().points().count() > 0;
    }));
    for (int i = 0; i < 3; ++i) app.headlessFrame();
    // Enter runs the sampler; its timeline appears when steps arrive.
    ImGuiIO& io = ImGui::GetIO();
    app.update();
    io.KeysDown[GLFW_KEY_ENTER] = true;
    ImGui::NewFrame();
    app.buildFrame(1600, 1000);
    ImGui::Render();
    io.KeysDown[GLFW_KEY_ENTER] = false;
    REQUIRE(framesUntil(app, [&] { return !app.engine().sampling() && helpItemRect("timeline").z > 0; }));
    for (int i = 0; i < 3; ++i) app.headlessFrame();
    p.ldmMap = rect(app, "map");
    p.diffusion = rect(app, "window:diffusion");
    p.timeline = helpItemRect("timeline");
  }
  ImGui::DestroyContext();
  return p;
}

// A point on a window's title bar (its first 10 pixels).
std::string titleBar(const ImVec4& w) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %d", int(w.x + 0.5f * w.z), int(w.y + 10));
  return buf;
}

std::string script(const Places& p, const std::string& dir, const std::string& data) {
  std::string s = R"SH(
set -u
command -v xdotool >/dev/null || { echo "xdotool is not installed (make deps installs it)" >&2; exit 1; }
export HOME=")SH" + dir + R"SH("   # the model dialog's recent list goes here, not to the user's
export LATENTLAB_REDRAW_CHECK=")SH" + dir + R"SH(/redraw.json"
")SH" + std::string(LATENTLAB_BIN) + R"SH(" --model ")SH" + bundled("fashion-vae-16") + R"SH(" --data ")SH" + data +
                  R"SH(" --device cpu --size 1600 1000 &
APP=$!
W=$(timeout 60 xdotool search --sync --onlyvisible --name '^LatentLab$' | head -1)
if [ -z "$W" ]; then echo "no LatentLab window" >&2; kill $APP; exit 1; fi
xdotool windowfocus --sync "$W"      # no window manager: give the window the keyboard
m() { xdotool mousemove --window "$W" $1 $2; }
# glide X0 Y0 X1 Y1 STEPS: small moves, each a frame or two apart
glide() { for i in $(seq 0 "$5"); do m $(( $1 + ($3 - $1) * i / $5 )) $(( $2 + ($4 - $2) * i / $5 )); sleep 0.04; done; }
# Keys are held for a while: ImGui 1.86 samples key state once per frame, and checked frames
# are slow, so an instant press and release would fall between two frames.
press() { xdotool keydown "$1"; sleep 0.4; xdotool keyup "$1"; sleep 0.3; }
sleep 6                                                 # the model loads, the images are encoded
glide )SH" + at(p.map, .3f, .4f) + " " + at(p.map, .7f, .65f) + R"SH( 40   # hover points: tooltips
glide )SH" + at(p.map, .7f, .65f) + " " + at(p.map, .2f, .3f) + R"SH( 25
m )SH" + at(p.gridOverlay, .6f, .5f) + R"SH(; sleep 0.2; xdotool click 1; sleep 1   # the manifold grid over the map
m )SH" + at(p.map, .45f, .5f) + R"SH(; xdotool mousedown 1   # drag the decode cursor (over the grid)
glide )SH" + at(p.map, .45f, .5f) + " " + at(p.map, .7f, .42f) + R"SH( 30
glide )SH" + at(p.map, .7f, .42f) + " " + at(p.map, .3f, .7f) + R"SH( 30
xdotool mouseup 1
sleep 0.5
m )SH" + at(p.map, .5f, .5f) + R"SH(
for k in 1 2 3; do xdotool click 4; sleep 0.2; done    # zoom in at the mouse
for k in 1 2; do xdotool click 5; sleep 0.2; done      # and out
m )SH" + at(p.map, .5f, .5f) + R"SH(; xdotool mousedown 3   # pan with the right button
glide )SH" + at(p.map, .5f, .5f) + " " + at(p.map, .56f, .45f) + R"SH( 12
xdotool mouseup 3
m )SH" + at(p.dotSize, .1f, .5f) + R"SH(; xdotool mousedown 1   # scrub the Dot size slider
glide )SH" + at(p.dotSize, .1f, .5f) + " " + at(p.dotSize, .95f, .5f) + R"SH( 15
glide )SH" + at(p.dotSize, .95f, .5f) + " " + at(p.dotSize, .3f, .5f) + R"SH( 10
xdotool mouseup 1
glide )SH" + at(p.perf, .1f, .25f) + " " + at(p.perf, .9f, .45f) + R"SH( 25   # tooltips over the Performance plot
sleep 0.5
m )SH" + at(p.picker, .2f, .5f) + R"SH(; sleep 0.3; xdotool click 1; sleep 0.6   # the model picker
m )SH" + p.ldmEntry + R"SH(; sleep 0.3; xdotool click 1   # fashion-ldm in its list
sleep 8                                                 # the diffusion model, its VAE, the map
press Return                                            # Run
sleep 3
m )SH" + titleBar(p.diffusion) + R"SH(; sleep 0.2; xdotool click 1; sleep 0.3   # focus the Diffusion panel
for k in $(seq 1 5); do press Left; done               # step back along the timeline
for k in $(seq 1 2); do press Right; done
m )SH" + at(p.timeline, .9f, .5f) + R"SH(; xdotool mousedown 1   # drag the timeline grab
glide )SH" + at(p.timeline, .9f, .5f) + " " + at(p.timeline, .1f, .5f) + R"SH( 20
glide )SH" + at(p.timeline, .1f, .5f) + " " + at(p.timeline, .6f, .5f) + R"SH( 10
xdotool mouseup 1
glide )SH" + at(p.ldmMap, .3f, .4f) + " " + at(p.ldmMap, .6f, .6f) + R"SH( 20   # the map with the diffusion path
m )SH" + at(p.ldmMap, .4f, .5f) + R"SH(; xdotool mousedown 1
glide )SH" + at(p.ldmMap, .4f, .5f) + " " + at(p.ldmMap, .6f, .45f) + R"SH( 20
xdotool mouseup 1
sleep 0.5
press ctrl+q
for i in $(seq 1 100); do kill -0 $APP 2>/dev/null || break; sleep 0.2; done
if kill -0 $APP 2>/dev/null; then echo "the app did not quit on Ctrl+Q" >&2; kill $APP; exit 1; fi
wait $APP
)SH";
  return s;
}

}  // namespace

TEST_CASE("partial redraw matches a whole redraw in every frame of a scripted session") {
  std::string data = test::smallFashion(2000);
  Places places = discover(data);
  CHECK(places.dotSize.z > 0);
  CHECK(places.gridOverlay.z > 0);
  CHECK(places.timeline.z > 0);
  std::string dir = test::tempDir("gui-redraw");
  test::writeText(dir + "/session.sh", script(places, dir, data));
  auto r = test::runCommand("xvfb-run -a -s \"-screen 0 1600x1000x24\" bash " + dir + "/session.sh");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  std::string report = dir + "/redraw.json";
  REQUIRE(std::filesystem::exists(report));
  json j = json::parse(test::readText(report));
  json brief = j;
  brief["mismatches"] = j["mismatches"].size() > 3 ? json(std::vector<json>(j["mismatches"].begin(), j["mismatches"].begin() + 3))
                                                   : j["mismatches"];
  INFO(brief.dump(1));
  // Not vacuous: many partial frames were compared, most of them with something redrawn,
  // and the session reached what it scripted.
  CHECK(j["partial_frames_checked"].get<long>() >= 120);
  CHECK(j["partial_frames_with_damage"].get<long>() >= 100);
  CHECK(j["full_frames_mismatched"].get<long>() == 0);  // the check itself agrees with itself
  CHECK(anyWindow(j["windows"], "##Tooltip"));     // hovering showed tooltips
  CHECK(anyWindow(j["windows"], "##Combo"));       // the model picker opened
  CHECK(anyWindow(j["windows"], "###diffusion"));  // fashion-ldm loaded: its Diffusion panel drew
  // The point: no frame differed from the whole redraw of the same draw data.
  CHECK(j["mismatched_frames"].get<long>() == 0);
}
