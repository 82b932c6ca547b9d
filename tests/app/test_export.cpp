// Export: the decoded image comes back from its PNG pixel for pixel; scale 2 doubles every
// pixel; the map export has each class's colour (Tableau-10, written out here) where the
// panel's mapping puts each point, nothing for hidden classes, and legend swatches in the
// class colours; the denoising strip holds each shown step's x_t over its x0; a write into a
// folder that cannot exist is an error message, not an exception; and the Export window
// writes, asks before replacing, and copies the path as text.
#include <doctest/doctest.h>
#include <imgui.h>
#include <unistd.h>

#include <filesystem>

#include "app/export/export_render.h"
#include "app/export/export_window.h"
#include "app/export/image_export.h"
#include "app/export/map_raster.h"
#include "app/export/text_raster.h"
#include "app_test_support.h"
#include "engine/data/image_io.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

Image pattern(int w, int h, int c) {
  Image img(w, h, c);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = uint8_t((i * 37 + 11) % 251);
  return img;
}

std::array<int, 3> rgbAt(const Image& img, int x, int y) {
  const uint8_t* p = img.at(x, y);
  return {p[0], p[1], p[2]};
}

// The map panel's mapping, written out: the shorter side spans 2 * halfExtent plane units.
void screenOf(double u, double v, double cu, double cv, double half, int w, int h, float& x, float& y) {
  double ppu = 0.5 * std::min(w, h) / half;
  x = float(0.5 * w + (u - cu) * ppu);
  y = float(0.5 * h - (v - cv) * ppu);
}

const std::array<int, 3> kTableau[4] = {{78, 121, 167}, {242, 142, 43}, {225, 87, 89}, {118, 183, 178}};
const std::array<int, 3> kMapBack = {22, 24, 30};

struct MapFixture {
  MapPoints points;
  AppState state;
  MapFixture() {
    // Well apart and away from the legend's corner (top right) and the axes through 0.
    points.uv = {-2.0f, -1.5f, -1.0f, 1.2f, 1.5f, -2.0f, -2.2f, 0.6f};
    points.labels = {0, 1, 2, 3};
    points.classNames = {"T-shirt", "Trouser", "Pullover", "Dress"};
    points.version = 1;
    state.view.centerU = 0.25;
    state.view.centerV = -0.1;
    state.view.halfExtent = 3;
    state.pointSize = 3;
    state.hiddenClasses = {false, false, true, false};
  }
  ExportView view() const {
    ExportView v;
    v.points = &points;
    v.state = &state;
    v.mapW = 400;
    v.mapH = 300;
    return v;
  }
};

}  // namespace

TEST_CASE("the decoded image is written pixel for pixel; scale 2 doubles every pixel") {
  std::string dir = test::tempDir("export_decoded");
  for (int channels : {1, 3}) {
    Image src = pattern(7, 5, channels);
    ExportView v;
    v.decoded = &src;
    std::string err;
    Image img = renderExport(ExportKind::Decoded, v, ExportOptions{}, &err);
    REQUIRE(err.empty());
    ExportResult r = writeExportPng(img, dir + "/d" + std::to_string(channels) + ".png");
    REQUIRE(r.ok);
    Image back = loadImageFile(r.path);
    CHECK(back.width == 7);
    CHECK(back.height == 5);
    REQUIRE(back.channels == channels);
    CHECK(back.pixels == src.pixels);

    ExportOptions two;
    two.scale = 2;
    CHECK(exportSize(ExportKind::Decoded, v, two) == std::pair<int, int>{14, 10});
    Image big = renderExport(ExportKind::Decoded, v, two, &err);
    REQUIRE(big.width == 14);
    REQUIRE(big.height == 10);
    for (int y = 0; y < 10; ++y)
      for (int x = 0; x < 14; ++x)
        for (int c = 0; c < channels; ++c) REQUIRE(big.at(x, y)[c] == src.at(x / 2, y / 2)[c]);
  }
}

TEST_CASE("nothing to export is said, not written") {
  ExportView v;
  for (ExportKind k : kExportKinds) {
    std::string err;
    CHECK(renderExport(k, v, ExportOptions{}, &err).empty());
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("map export: class colours at the points, hidden class left out, legend swatches") {
  MapFixture f;
  const TextRaster& text = defaultTextRaster();
  for (int scale : {1, 2}) {
    CAPTURE(scale);
    MapRasterOptions o;
    o.width = 400;
    o.height = 300;
    o.scale = scale;
    o.pointSize = f.state.pointSize;
    o.text = &text;
    MapRaster m = rasterizeMap(f.points, f.state.hiddenClasses, f.state.view, o);
    REQUIRE(m.image.width == 400 * scale);
    REQUIRE(m.image.height == 300 * scale);
    REQUIRE(m.image.channels == 3);
    for (int i = 0; i < 4; ++i) {
      float x, y;
      screenOf(f.points.uv[2 * i], f.points.uv[2 * i + 1], 0.25, -0.1, 3, 400 * scale, 300 * scale, x, y);
      auto want = i == 2 ? kMapBack : kTableau[i];  // class 2 is hidden
      CAPTURE(i);
      CHECK(rgbAt(m.image, int(x), int(y)) == want);
    }
    REQUIRE(m.swatches.size() == 4);
    for (const auto& s : m.swatches) {
      CAPTURE(s.label);
      CHECK(s.size == 12 * scale);
      CHECK(s.x > m.image.width / 2);  // top-right corner
      CHECK(s.y < m.image.height / 2);
      auto centre = rgbAt(m.image, s.x + s.size / 2, s.y + s.size / 2);
      if (s.label == 2) {
        CHECK(s.hidden);
        CHECK(centre != kTableau[2]);  // outlined only
      } else {
        CHECK(centre == kTableau[s.label]);
      }
    }
    CHECK(m.named == text.ok());
  }
}

TEST_CASE("map export through renderExport uses the panel's size and the session's view") {
  MapFixture f;
  ExportOptions o;
  o.scale = 3;
  std::string err, note;
  Image img = renderExport(ExportKind::Map, f.view(), o, &err, &note);
  REQUIRE(err.empty());
  CHECK(img.width == 1200);
  CHECK(img.height == 900);
  CHECK_FALSE(note.empty());  // no font given: says there are no labels
  float x, y;
  screenOf(-1.0, 1.2, 0.25, -0.1, 3, 1200, 900, x, y);
  CHECK(rgbAt(img, int(x), int(y)) == kTableau[1]);
}

TEST_CASE("text: drawn with DejaVuSans when it is there; a missing font says so and draws nothing") {
  TextRaster missing("/nonexistent/font.ttf");
  CHECK_FALSE(missing.ok());
  CHECK(missing.error().find("/nonexistent/font.ttf") != std::string::npos);
  Image blank(40, 20, 3);
  const uint8_t white[3] = {255, 255, 255};
  missing.draw(blank, 2, 2, "Shirt", 14, white);
  CHECK(blank.pixels == std::vector<uint8_t>(40 * 20 * 3, 0));
  if (!fs::exists(TextRaster::kDefaultFont)) return;
  const TextRaster& t = defaultTextRaster();
  REQUIRE(t.ok());
  CHECK(t.width("Shirt", 14) > t.width("S", 14));
  t.draw(blank, 2, 2, "Shirt", 14, white);
  int lit = 0;
  for (uint8_t p : blank.pixels) lit += p > 128;
  CHECK(lit > 20);
}

TEST_CASE("denoising strip: x_t over x0 for evenly spread steps, first and last included") {
  CHECK(stripColumns(50, 10).size() == 10);
  CHECK(stripColumns(50, 10).front() == 0);
  CHECK(stripColumns(50, 10).back() == 49);
  CHECK(stripColumns(3, 10) == std::vector<int>{0, 1, 2});
  CHECK(stripColumns(0, 10).empty());
  std::vector<SampleFrame> frames(3);
  for (int i = 0; i < 3; ++i) {
    frames[i].index = i;
    frames[i].timestep = 900 - 300 * i;
    frames[i].xt = Image(4, 4, 1, uint8_t(10 + i));
    frames[i].x0 = Image(4, 4, 3, uint8_t(200 + i));
  }
  for (int scale : {1, 2}) {
    StripLayout L;
    Image img = denoiseStrip(frames, StripOptions{scale, 10, nullptr}, &L);
    REQUIRE(L.frames.size() == 3);
    CHECK(L.tileW == 4 * scale);
    CHECK(img.width == L.width);
    for (int c = 0; c < 3; ++c) {
      int x = L.columnX[size_t(c)] + L.tileW - 1;
      CHECK(rgbAt(img, x, L.rowXt + L.tileH - 1) == std::array<int, 3>{10 + c, 10 + c, 10 + c});
      CHECK(rgbAt(img, x, L.rowX0) == std::array<int, 3>{200 + c, 200 + c, 200 + c});
    }
  }
}

TEST_CASE("a failed write is an error message naming the path") {
  std::string dir = test::tempDir("export_fail");
  test::writeText(dir + "/plain", "x");  // a file where a folder is needed
  Image img = pattern(3, 3, 3);
  ExportResult r = writeExportPng(img, dir + "/plain/out.png");
  CHECK_FALSE(r.ok);
  CHECK(r.error.find(dir + "/plain") != std::string::npos);
  ExportResult r2 = writeExportPng(img, dir + "/missing/sub/out.png");
  CHECK_FALSE(r2.ok);
  CHECK(r2.error.find("does not exist") != std::string::npos);
  CHECK_FALSE(fs::exists(dir + "/missing"));
  if (geteuid() != 0) {  // root writes anywhere, so this part needs a normal user
    fs::create_directories(dir + "/ro");
    fs::permissions(dir + "/ro", fs::perms::owner_read | fs::perms::owner_exec);
    ExportResult r3 = writeExportPng(img, dir + "/ro/out.png");
    CHECK_FALSE(r3.ok);
    CHECK(r3.error.find(dir + "/ro/out.png") != std::string::npos);
    fs::permissions(dir + "/ro", fs::perms::owner_all);
  }
}

TEST_CASE("the Export window writes, asks before replacing, reports errors, copies the path") {
  test::startHeadlessImGui(ImVec2(1200, 800));
  std::string dir = test::tempDir("export_window");
  Image src = pattern(6, 6, 3);
  ExportView v;
  v.decoded = &src;
  ExportWindow w;
  auto frame = [&] {
    ImGui::NewFrame();
    w.draw(v);
    ImGui::Render();
  };
  w.open(ExportKind::Decoded);
  frame();
  CHECK(w.isOpen());
  w.setPath(dir + "/pic.png");
  w.setScale(3);
  REQUIRE(w.exportNow(v));
  REQUIRE(w.poll(true));
  frame();
  REQUIRE(w.lastResult().ok);
  CHECK(w.lastResult().path == dir + "/pic.png");
  Image back = loadImageFile(dir + "/pic.png");
  CHECK(back.width == 18);
  CHECK(w.status().find("18 x 18") != std::string::npos);

  CHECK_FALSE(w.exportNow(v));  // the file is there now
  CHECK(w.confirmingReplace());
  frame();
  CHECK(w.exportNow(v, true));
  CHECK(w.poll(true));
  CHECK(w.lastResult().ok);

  REQUIRE(w.copyPath());
  CHECK(std::string(ImGui::GetClipboardText()) == dir + "/pic.png");

  test::writeText(dir + "/plain", "x");
  w.setPath(dir + "/plain/pic.png");
  REQUIRE(w.exportNow(v));
  REQUIRE(w.poll(true));
  frame();
  CHECK_FALSE(w.lastResult().ok);
  CHECK(w.statusIsError());
  CHECK(w.status().find(dir + "/plain") != std::string::npos);

  w.setKind(ExportKind::Map);  // nothing to draw a map from
  CHECK_FALSE(w.exportNow(v));
  CHECK(w.status().find("No latent map") != std::string::npos);
  frame();
  ImGui::DestroyContext();
}

TEST_CASE("the Export window selects an available choice: a held run's strip, never a greyed one") {
  test::startHeadlessImGui(ImVec2(1200, 800));
  std::vector<SampleFrame> frames(2);
  for (int i = 0; i < 2; ++i) {
    frames[i].index = i;
    frames[i].timestep = 900 - 300 * i;
    frames[i].xt = Image(4, 4, 1, uint8_t(10 + i));
    frames[i].x0 = Image(4, 4, 3, uint8_t(200 + i));
  }
  // A held (Step-paused) diffusion run: steps recorded, no final sample yet.
  ExportView v;
  v.decodedLabel = "Final sample";
  v.frames = &frames;
  ExportWindow w;
  auto frame = [&] {
    ImGui::NewFrame();
    w.draw(v);
    ImGui::Render();
  };
  w.open(ExportKind::Decoded);  // File > Export window opens with the last (default) choice
  frame();
  CHECK(w.kind() == ExportKind::Strip);
  CHECK(exportUnavailable(w.kind(), v).empty());
  CHECK(w.path().find("strip") != std::string::npos);

  // The chosen picture goes away (a new run cleared the steps) while a decoded image is there.
  Image img = pattern(4, 4, 3);
  std::vector<SampleFrame> none;
  v.frames = &none;
  v.decoded = &img;
  frame();
  CHECK(w.kind() == ExportKind::Decoded);
  // Nothing available at all: the choice stays, Export stays disabled, nothing crashes.
  v.decoded = nullptr;
  frame();
  CHECK(w.kind() == ExportKind::Decoded);
  ImGui::DestroyContext();
}
