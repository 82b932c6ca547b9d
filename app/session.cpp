#include "app/session.h"

#include <cmath>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace latentlab {

using nlohmann::json;

namespace {
const char* kFormat = "latentlab-session/1";

json floats(const std::vector<float>& v) { return json(v); }

// Reads a value of the expected kind; on a wrong type or range adds a warning and keeps the
// default already in `dst`.
struct Reader {
  std::vector<std::string>& warnings;
  template <typename T, typename Check>
  void get(const json& obj, const char* key, const std::string& where, T& dst, Check ok, const char* expected) {
    if (!obj.is_object() || !obj.contains(key)) return;
    const json& v = obj[key];
    // Type and range checked first: a float where an integer belongs (or 1e300 for a float)
    // must not reach a cast (undefined behaviour; fuzz_session found it).
    if (auto value = jsonAs<T>(v); value && ok(*value)) {
      dst = *value;
      return;
    }
    warnings.push_back("session: " + where + key + " = " + v.dump() + " is not " + expected + "; using the default");
  }
  bool floatVector(const json& obj, const char* key, const std::string& where, std::vector<float>& dst) {
    if (!obj.is_object() || !obj.contains(key)) return false;
    std::vector<float> v;
    bool good = obj[key].is_array() && !obj[key].empty();
    if (good)
      for (auto& x : obj[key]) {
        auto f = jsonAs<float>(x);
        if (!f || !std::isfinite(*f)) {
          good = false;
          break;
        }
        v.push_back(*f);
      }
    if (!good) {
      warnings.push_back("session: " + where + key + " must be a list of finite numbers; ignored");
      return false;
    }
    dst = std::move(v);
    return true;
  }
};

bool finite(double x) { return std::isfinite(x); }
}  // namespace

json sessionToJson(const AppState& s) {
  json j;
  j["format"] = kFormat;
  j["model"] = s.modelDir;
  j["data"] = s.dataSpec;
  j["device"] = s.device;
  json plane{{"mode", s.planeMode},
             {"points", {s.planePoints[0], s.planePoints[1], s.planePoints[2]}},
             {"axes", {s.axisI, s.axisJ}}};
  if (!s.plane.origin.empty()) {
    plane["origin"] = floats(s.plane.origin);
    plane["u"] = floats(s.plane.axisU);
    plane["v"] = floats(s.plane.axisV);
  }
  json hidden = json::array();
  for (size_t i = 0; i < s.hiddenClasses.size(); ++i)
    if (s.hiddenClasses[i]) hidden.push_back(int(i));
  j["map"] = {{"plane", plane},
              {"view", {{"center", {s.view.centerU, s.view.centerV}}, {"half_extent", s.view.halfExtent}}},
              {"hidden_classes", hidden},
              {"point_size", s.pointSize}};
  j["cursor"] = s.hasCursor ? json{s.cursorU, s.cursorV} : json(nullptr);
  j["selection"] = s.selected;
  // snap_to_codebook: how a VQ model decodes latents between codes (AppState::snapToCodebook).
  j["image"] = {{"filter", s.nearestFilter ? "nearest" : "bilinear"}, {"snap_to_codebook", s.snapToCodebook}};
  j["manifold"] = {{"k", s.gridK}, {"overlay", s.gridOverlay}, {"shown", s.gridRequested}};
  json notes = json::object();
  for (auto& [k, v] : s.showNotes) notes[k] = v;
  j["ui"] = {{"scale", s.uiScale}, {"notes", notes}};
  json panels = json::object();
  for (auto& [id, p] : s.panels) panels[id] = p;
  j["panels"] = panels;
  return j;
}

std::vector<std::string> sessionFromJson(const json& j, AppState& out) {
  if (!j.is_object()) throw BadInput("session: the file is not a JSON object");
  if (!j.contains("format") || j["format"] != kFormat)
    throw BadInput(std::string("session: \"format\" must be \"") + kFormat + "\"");
  out = AppState{};
  std::vector<std::string> w;
  Reader r{w};
  auto nonEmpty = [](const std::string& s) { return !s.empty(); };
  r.get(j, "model", "", out.modelDir, [](const std::string&) { return true; }, "a folder path");
  r.get(j, "data", "", out.dataSpec, nonEmpty, "a data spec");
  r.get(j, "device", "", out.device, [](const std::string& d) { return d == "auto" || d == "cpu" || d == "cuda"; },
        "auto, cpu or cuda");
  if (j.contains("map")) {
    const json& m = j["map"];
    if (m.contains("plane")) {
      const json& p = m["plane"];
      r.get(p, "mode", "map.plane.", out.planeMode,
            [](const std::string& s) {
              return s == "pca" || s == "axes" || s == "points" || s == "custom" || s == "tsne" || s == "umap";
            },
            "pca, axes, points, custom, tsne or umap");
      std::vector<int64_t> pts;
      r.get(p, "points", "map.plane.", pts, [](const std::vector<int64_t>& v) { return v.size() == 3; },
            "three data indices");
      if (pts.size() == 3) out.planePoints = {{pts[0], pts[1], pts[2]}};
      std::vector<int> axes;
      r.get(p, "axes", "map.plane.", axes,
            [](const std::vector<int>& v) { return v.size() == 2 && v[0] >= 0 && v[1] >= 0 && v[0] != v[1]; },
            "two different latent dimensions");
      if (axes.size() == 2) {
        out.axisI = axes[0];
        out.axisJ = axes[1];
      }
      LatentPlane plane;
      bool o = r.floatVector(p, "origin", "map.plane.", plane.origin);
      bool u = r.floatVector(p, "u", "map.plane.", plane.axisU);
      bool v = r.floatVector(p, "v", "map.plane.", plane.axisV);
      if (o && u && v) {
        plane.mode = out.planeMode;
        if (plane.valid())
          out.plane = plane;
        else
          w.push_back("session: map.plane origin/u/v are not a valid plane; it will be recomputed");
      }
      if (out.planeMode == "custom" && out.plane.origin.empty()) {
        w.push_back("session: map.plane mode \"custom\" needs origin, u and v; using pca");
        out.planeMode = "pca";
      }
    }
    if (m.contains("view")) {
      const json& v = m["view"];
      std::vector<double> c;
      r.get(v, "center", "map.view.", c,
            [](const std::vector<double>& x) {
              return x.size() == 2 && finite(x[0]) && finite(x[1]) && std::abs(x[0]) < 1e6 && std::abs(x[1]) < 1e6;
            },
            "two numbers within +-1e6");
      double e = 0;
      r.get(v, "half_extent", "map.view.", e, [](double x) { return finite(x) && x > 1e-6 && x < 1e6; },
            "a positive number");
      if (c.size() == 2 && e > 0) {
        out.view.centerU = c[0];
        out.view.centerV = c[1];
        out.view.halfExtent = e;
        out.viewSet = true;
      }
    }
    std::vector<int> hidden;
    r.get(m, "hidden_classes", "map.", hidden,
          [](const std::vector<int>& v) {
            for (int x : v)
              if (x < 0 || x > 10000) return false;
            return true;
          },
          "a list of class numbers");
    for (int c : hidden) {
      if (out.hiddenClasses.size() <= size_t(c)) out.hiddenClasses.resize(size_t(c) + 1, false);
      out.hiddenClasses[size_t(c)] = true;
    }
    r.get(m, "point_size", "map.", out.pointSize, [](float x) { return x >= 1 && x <= 20; }, "between 1 and 20");
  }
  if (j.contains("cursor") && !j["cursor"].is_null()) {
    std::vector<double> c;
    r.get(j, "cursor", "", c, [](const std::vector<double>& x) { return x.size() == 2 && finite(x[0]) && finite(x[1]); },
          "two numbers or null");
    if (c.size() == 2) {
      out.hasCursor = true;
      out.cursorU = c[0];
      out.cursorV = c[1];
    }
  }
  r.get(j, "selection", "", out.selected, [](int64_t x) { return x >= -1; }, "a data index or -1");
  if (j.contains("image")) {
    std::string filter = "nearest";
    r.get(j["image"], "filter", "image.", filter,
          [](const std::string& s) { return s == "nearest" || s == "bilinear"; }, "nearest or bilinear");
    out.nearestFilter = filter == "nearest";
    r.get(j["image"], "snap_to_codebook", "image.", out.snapToCodebook, [](bool) { return true; }, "true or false");
  }
  if (j.contains("manifold")) {
    r.get(j["manifold"], "k", "manifold.", out.gridK, [](int k) { return k >= 2 && k <= 32; }, "between 2 and 32");
    r.get(j["manifold"], "overlay", "manifold.", out.gridOverlay, [](bool) { return true; }, "true or false");
    r.get(j["manifold"], "shown", "manifold.", out.gridRequested, [](bool) { return true; }, "true or false");
  }
  if (j.contains("ui")) {
    r.get(j["ui"], "scale", "ui.", out.uiScale, [](float s) { return s >= 1.f && s <= 3.f; }, "between 1.0 and 3.0");
    std::map<std::string, bool> notes;
    r.get(j["ui"], "notes", "ui.", notes, [](const std::map<std::string, bool>&) { return true; },
          "an object of true/false");
    out.showNotes = notes;
  }
  if (j.contains("panels")) {
    const json& p = j["panels"];
    if (!p.is_object()) {
      w.push_back("session: panels must be an object of panel settings; ignored");
    } else {
      for (auto& [id, v] : p.items()) {
        if (!v.is_object()) {
          w.push_back("session: panels." + id + " must be an object; ignored");
          continue;
        }
        if (v.contains("open") && !v["open"].is_boolean()) {
          w.push_back("session: panels." + id + ".open = " + v["open"].dump() + " is not true or false; ignored");
          continue;
        }
        out.panels[id] = v;
      }
    }
  }
  return w;
}

void saveSession(const std::string& path, const AppState& s) {
  writeFileAtomic(path, sessionToJson(s).dump(2) + "\n");
}

std::vector<std::string> loadSession(const std::string& path, AppState& out) {
  json j = readJsonFile(path);
  try {
    return sessionFromJson(j, out);
  } catch (const BadInput& e) {
    throw BadInput(path + ": " + e.what());
  }
}

}  // namespace latentlab
