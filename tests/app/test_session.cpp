// Sessions round-trip, and bad values become warnings with safe defaults.
#include <doctest/doctest.h>

#include "app/session.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;

TEST_CASE("a session round-trips through a file") {
  AppState s;
  s.modelDir = "/models/x";
  s.dataSpec = "fashion-mnist:train";
  s.planeMode = "custom";
  s.plane = axesPlane(4, 1, 3);
  s.plane.origin = {0.5f, -1.f, 2.f, 0.25f};
  s.view.centerU = 1.5;
  s.view.centerV = -0.5;
  s.view.halfExtent = 4;
  s.viewSet = true;
  s.hiddenClasses = {false, true, false, true};
  s.hasCursor = true;
  s.cursorU = 0.125;
  s.cursorV = -3.5;
  s.selected = 42;
  s.nearestFilter = false;
  s.gridK = 7;
  s.uiScale = 2.f;
  s.showNotes["map"] = true;
  std::string path = test::tempDir("session") + "/s.json";
  saveSession(path, s);
  AppState r;
  auto warnings = loadSession(path, r);
  CHECK(warnings.empty());
  CHECK(r.modelDir == s.modelDir);
  CHECK(r.dataSpec == s.dataSpec);
  CHECK(r.planeMode == "custom");
  CHECK(r.plane.origin == s.plane.origin);
  CHECK(r.plane.axisV == s.plane.axisV);
  CHECK(r.view.centerU == 1.5);
  CHECK(r.view.halfExtent == 4);
  CHECK(r.viewSet);
  CHECK(r.classHidden(1));
  CHECK(r.classHidden(3));
  CHECK_FALSE(r.classHidden(2));
  CHECK(r.hasCursor);
  CHECK(r.cursorU == 0.125);
  CHECK(r.cursorV == -3.5);
  CHECK(r.selected == 42);
  CHECK_FALSE(r.nearestFilter);
  CHECK(r.gridK == 7);
  CHECK(r.uiScale == 2.f);
  CHECK(r.showNotes["map"]);
  CHECK(sessionToJson(r) == sessionToJson(s));
}

TEST_CASE("bad values become warnings and safe defaults") {
  auto j = nlohmann::json::parse(R"({"format": "latentlab-session/1", "model": "m",
    "cursor": [1, "x"], "ui": {"scale": 9}, "manifold": {"k": -3},
    "map": {"plane": {"mode": "spiral"}, "view": {"center": [0, 0], "half_extent": -1}}})");
  AppState s;
  auto w = sessionFromJson(j, s);
  CHECK(w.size() == 5);
  CHECK_FALSE(s.hasCursor);
  CHECK(s.uiScale == 1.f);
  CHECK(s.gridK == 10);
  CHECK(s.planeMode == "pca");
  CHECK_FALSE(s.viewSet);
  CHECK(s.modelDir == "m");
}

TEST_CASE("a file that is not a session is refused") {
  std::string dir = test::tempDir("session-bad");
  test::writeText(dir + "/a.json", "{\"format\": \"something-else\"}");
  test::writeText(dir + "/b.json", "{not json");
  test::writeText(dir + "/c.json", "{\"format\": \"latentlab-session/1\", \"model\": \"a\", \"model\": \"b\"}");
  AppState s;
  CHECK_THROWS_AS(loadSession(dir + "/a.json", s), BadInput);
  CHECK_THROWS_AS(loadSession(dir + "/b.json", s), BadInput);
  CHECK_THROWS_AS(loadSession(dir + "/c.json", s), BadInput);  // duplicate key
  CHECK_THROWS_AS(loadSession(dir + "/missing.json", s), BadInput);
}
