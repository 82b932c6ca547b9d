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
  s.snapToCodebook = false;  // a VQ model's decodes as the vectors are
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
  CHECK_FALSE(r.snapToCodebook);
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

TEST_CASE("numbers out of range for their field are warnings, never a cast (found by fuzz_session)") {
  nlohmann::json j = {{"format", "latentlab-session/1"},
                      {"model", "m"},
                      {"map", {{"plane", {{"points", {3.3e70, 1, 2}}, {"axes", {1e300, 2}}}},
                               {"point_size", 1e300},
                               {"view", {{"center", {1e300, 0}}, {"half_extent", 2.5}}}}},
                      {"selection", 1.5e19},
                      {"ui", {{"scale", -1e300}}},
                      {"manifold", {{"k", 4.5}}}};
  // The fuzzer's reproducer has a 71-digit integer; nlohmann reads it as a double.
  j["map"]["plane"]["origin"] = {0.0, 1e300};
  j["map"]["plane"]["u"] = {1.0, 0.0};
  j["map"]["plane"]["v"] = {0.0, 1.0};
  AppState s;
  auto warnings = sessionFromJson(j, s);
  CHECK(warnings.size() >= 7);
  AppState defaults;
  CHECK(s.planePoints == defaults.planePoints);
  CHECK(s.axisI == defaults.axisI);
  CHECK(s.pointSize == defaults.pointSize);
  CHECK(s.selected == -1);
  CHECK(s.uiScale == defaults.uiScale);
  CHECK(s.gridK == defaults.gridK);
  CHECK(s.plane.origin.empty());  // 1e300 is no float
  CHECK(!s.viewSet);
}

TEST_CASE("panel settings round-trip; a bad entry is a warning") {
  AppState s;
  s.panels["map"] = {{"open", false}, {"legend", true}};
  s.panels["diffusion"] = {{"open", true}, {"tab", "schedule"}};
  AppState r;
  auto warnings = sessionFromJson(sessionToJson(s), r);
  CHECK(warnings.empty());
  CHECK(r.panels == s.panels);
  nlohmann::json j = sessionToJson(s);
  j["panels"]["image"] = 3;
  j["panels"]["model"] = {{"open", "yes"}};
  warnings = sessionFromJson(j, r);
  CHECK(warnings.size() == 2);
  CHECK(r.panels.count("image") == 0);
  CHECK(r.panels.count("model") == 0);
  CHECK(r.panels.at("map")["open"] == false);
  j["panels"] = "everything";
  warnings = sessionFromJson(j, r);
  CHECK(warnings.size() == 1);
  CHECK(r.panels.empty());
}
