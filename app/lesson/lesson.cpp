#include "app/lesson/lesson.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

using nlohmann::json;

namespace {
const char* kFormat = "latentlab-lesson/1";

// One JSON object being read: every key must be read by name (a typo is an error, not a
// silently ignored setting); messages carry the file and the dotted path of the field.
class Fields {
 public:
  Fields(const json& j, std::string file, std::string path) : m_j(j), m_file(std::move(file)), m_path(std::move(path)) {
    if (!j.is_object()) fail("", "must be an object, not " + jsonTypeName(j));
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw BadInput(m_file + ": " + name(key) + (name(key).empty() ? "" : ": ") + what);
  }
  std::string name(const std::string& key) const {
    if (key.empty()) return m_path;
    return m_path.empty() ? key : m_path + "." + key;
  }
  const json* get(const std::string& key) {
    m_read.insert(key);
    auto it = m_j.find(key);
    return it == m_j.end() ? nullptr : &*it;
  }
  const json& require(const std::string& key) {
    const json* v = get(key);
    if (!v) fail(key, "is missing");
    return *v;
  }
  template <typename T>
  std::optional<T> opt(const std::string& key, const char* expected) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    auto x = jsonAs<T>(*v);
    if (!x) fail(key, std::string("must be ") + expected + ", not " + v->dump());
    return x;
  }
  std::optional<int> integer(const std::string& key, int lo, int hi) {
    auto v = opt<int>(key, "a whole number");
    if (v && (*v < lo || *v > hi)) fail(key, "must be in " + std::to_string(lo) + ".." + std::to_string(hi) + ", not " + std::to_string(*v));
    return v;
  }
  std::optional<double> number(const std::string& key, double lo, double hi) {
    auto v = opt<double>(key, "a number");
    if (v && (*v < lo || *v > hi)) fail(key, "must be between " + fmt(lo) + " and " + fmt(hi) + ", not " + fmt(*v));
    return v;
  }
  std::optional<std::string> oneOf(const std::string& key, const std::vector<std::string>& choices) {
    auto v = opt<std::string>(key, "a string");
    if (v && std::find(choices.begin(), choices.end(), *v) == choices.end()) fail(key, "must be one of " + join(choices) + ", not \"" + *v + "\"");
    return v;
  }
  std::optional<LessonClass> cls(const std::string& key) {
    const json* v = get(key);
    if (!v) return std::nullopt;
    return classOf(*v, key);
  }
  LessonClass classOf(const json& v, const std::string& key) const {
    LessonClass c;
    if (v.is_null()) return c;
    if (auto s = jsonAs<std::string>(v); s && !s->empty()) {
      c.name = *s;
      return c;
    }
    if (auto i = jsonAs<int>(v); i && *i >= 0 && *i <= 100000) {
      c.index = *i;
      return c;
    }
    fail(key, "must be a class name (e.g. \"Sneaker\"), a class number or null, not " + v.dump());
  }
  Fields child(const std::string& key) {
    return Fields(require(key), m_file, name(key));
  }
  // Call when done: a key nobody read is an error naming it and the keys this object takes.
  void done() const {
    for (auto& [k, v] : m_j.items())
      if (!m_read.count(k)) {
        std::vector<std::string> known(m_read.begin(), m_read.end());
        fail(k, "unknown field (this object takes " + join(known) + ")");
      }
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out;
  }
  static std::string fmt(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", x);
    return b;
  }
  const std::string& file() const { return m_file; }

 private:
  const json& m_j;
  std::string m_file, m_path;
  std::set<std::string> m_read;
};

std::vector<std::string> panelList(Fields& f, const std::string& key, const std::vector<std::string>& known) {
  std::vector<std::string> out;
  const json* v = f.get(key);
  if (!v) return out;
  auto list = jsonAs<std::vector<std::string>>(*v);
  if (!list) f.fail(key, "must be a list of panel names, not " + v->dump());
  for (auto& id : *list) {
    if (std::find(known.begin(), known.end(), id) == known.end())
      f.fail(key, "unknown panel \"" + id + "\" (panels are " + Fields::join(known) + ")");
    out.push_back(id);
  }
  return out;
}

std::vector<std::string> textOf(Fields& f) {
  const json& t = f.require("text");
  std::vector<std::string> out;
  if (auto s = jsonAs<std::string>(t)) out.push_back(*s);
  else if (auto v = jsonAs<std::vector<std::string>>(t)) out = *v;
  else f.fail("text", "must be a string or a list of paragraphs (strings), not " + jsonTypeName(t));
  if (out.empty()) f.fail("text", "is empty: a step says something");
  for (auto& p : out)
    if (p.size() > 4000) f.fail("text", "a paragraph is longer than 4000 characters");
  return out;
}

std::string resolveModel(const std::string& asWritten, const std::string& file) {
  fs::path p(asWritten);
  if (p.is_relative()) p = fs::path(file).parent_path() / p;
  return p.lexically_normal().string();
}

LessonMap readMap(Fields f) {
  LessonMap m;
  m.projection = f.oneOf("projection", {"pca", "axes"});
  if (const json* a = f.get("axes")) {
    auto v = jsonAs<std::vector<int>>(*a);
    if (!v || v->size() != 2 || (*v)[0] < 0 || (*v)[1] < 0 || (*v)[0] == (*v)[1])
      f.fail("axes", "must be two different latent dimensions, e.g. [0, 1]");
    m.axes = std::pair{(*v)[0], (*v)[1]};
  }
  m.grid = f.opt<bool>("grid", "true or false");
  m.gridOverlay = f.opt<bool>("grid_overlay", "true or false");
  m.gridK = f.integer("grid_k", 2, 32);
  if (const json* h = f.get("hidden_classes")) {
    if (!h->is_array()) f.fail("hidden_classes", "must be a list of class names or numbers");
    std::vector<LessonClass> v;
    for (auto& x : *h) v.push_back(f.classOf(x, "hidden_classes"));
    m.hiddenClasses = v;
  }
  if (const json* c = f.get("center")) {
    auto v = jsonAs<std::vector<double>>(*c);
    if (!v || v->size() != 2 || std::abs((*v)[0]) > 1e6 || std::abs((*v)[1]) > 1e6)
      f.fail("center", "must be two numbers [u, v] within +-1e6");
    m.centerU = (*v)[0], m.centerV = (*v)[1];
  }
  m.halfExtent = f.number("half_extent", 1e-6, 1e6);
  if (m.centerU.has_value() != m.halfExtent.has_value()) f.fail("center", "center and half_extent go together");
  f.done();
  return m;
}

LessonDirections readDirections(Fields f) {
  LessonDirections d;
  d.source = f.oneOf("source", {"class", "pca", "sefa", "groups", "file"});
  d.from = f.cls("from");
  d.to = f.cls("to");
  d.file = f.opt<std::string>("file", "a file name");
  f.done();
  return d;
}

LessonInterpolation readInterpolation(Fields f) {
  LessonInterpolation in;
  if (const json* e = f.get("endpoints")) {
    auto v = jsonAs<std::vector<std::string>>(*e);
    if (!v) f.fail("endpoints", "must be a list like [\"item:3\", \"prior:5\"]");
    for (auto& s : *v) {
      auto colon = s.find(':');
      std::string kind = s.substr(0, colon), num = colon == std::string::npos ? "" : s.substr(colon + 1);
      bool digits = !num.empty() && num.size() < 10 && num.find_first_not_of("0123456789") == std::string::npos;
      if ((kind != "item" && kind != "prior") || !digits)
        f.fail("endpoints", "\"" + s + "\" is not item:INDEX or prior:SEED");
    }
    if (v->size() == 1) f.fail("endpoints", "needs two or more endpoints");
    in.endpoints = *v;
  }
  in.steps = f.integer("steps", 2, 32);
  in.slerp = f.opt<bool>("slerp", "true or false");
  f.done();
  return in;
}

LessonDiffusion readDiffusion(Fields f) {
  LessonDiffusion d;
  d.sampler = f.oneOf("sampler", {"ddpm", "ddim", "euler", "dpmpp-2m"});
  d.tab = f.oneOf("tab", {"denoise", "compare", "noise", "schedule"});
  d.steps = f.integer("steps", 1, 1000);
  d.seed = f.integer("seed", 0, 2147483647);
  d.guidance = f.number("guidance", 0, 20);
  d.eta = f.number("eta", 0, 1);
  if (f.get("class")) {
    d.classSet = true;
    d.classIndex = f.cls("class");
  }
  if (const json* c = f.get("compare")) {
    Fields cf(*c, f.file(), f.name("compare"));
    d.compareVary = cf.oneOf("vary", {"sampler", "guidance"});
    d.compareSampler = cf.oneOf("sampler_b", {"ddpm", "ddim", "euler", "dpmpp-2m"});
    cf.done();
  }
  if (const json* n = f.get("noise")) {
    Fields nf(*n, f.file(), f.name("noise"));
    auto item = nf.integer("item", 0, 1000000);
    if (item) d.noiseItem = *item;
    d.noiseT = nf.integer("t", 0, 999);
    nf.done();
  }
  f.done();
  return d;
}

LessonSeeds readSeeds(Fields f) {
  LessonSeeds s;
  s.psi = f.number("psi", 0, 2);
  s.x = f.number("x", -1e9, 1e9);
  s.y = f.number("y", -1e9, 1e9);
  s.classIndex = f.cls("class");
  f.done();
  return s;
}

LessonSampling readSampling(Fields f) {
  LessonSampling s;
  s.temperature = f.number("temperature", 0.05, 5);
  s.topK = f.integer("top_k", 0, 100000);
  s.topP = f.number("top_p", 0.01, 1);
  s.seed = f.integer("seed", 0, 2147483647);
  s.beamWidth = f.integer("beam_width", 1, 8);
  s.steps = f.integer("steps", 0, 100000);
  s.greedy = f.opt<bool>("greedy", "true or false");
  s.classIndex = f.cls("class");
  f.done();
  return s;
}

LessonStep readStep(Fields f, const std::string& file, const std::vector<std::string>& known, const LessonStep* previous,
                    const std::string& lessonModel) {
  LessonStep s;
  s.title = f.opt<std::string>("title", "a string").value_or("");
  if (s.title.empty()) f.fail("title", "is missing: every step has a title");
  s.text = textOf(f);
  std::string model = f.opt<std::string>("model", "a model folder path").value_or("");
  if (model.empty()) {
    s.model = previous ? previous->model : lessonModel.empty() ? "" : resolveModel(lessonModel, file);
    s.modelAsWritten = previous ? previous->modelAsWritten : lessonModel;
  } else {
    s.model = resolveModel(model, file);
    s.modelAsWritten = model;
  }
  if (s.model.empty()) f.fail("model", "is missing (give it on the lesson or on the first step)");
  bool hasPanels = f.get("panels") != nullptr;
  s.panels = hasPanels ? panelList(f, "panels", known) : previous ? previous->panels : std::vector<std::string>{};
  s.unlock = panelList(f, "unlock", known);
  if (const json* m = f.get("map")) s.map = readMap(Fields(*m, file, f.name("map")));
  if (const json* c = f.get("cursor")) {
    auto v = jsonAs<std::vector<double>>(*c);
    if (!v || v->size() != 2 || std::abs((*v)[0]) > 1e6 || std::abs((*v)[1]) > 1e6)
      f.fail("cursor", "must be two map coordinates [u, v]");
    s.cursor = std::pair{(*v)[0], (*v)[1]};
  }
  if (auto sel = f.integer("selected", 0, 1000000)) s.selected = *sel;
  if (const json* d = f.get("directions")) s.directions = readDirections(Fields(*d, file, f.name("directions")));
  if (const json* i = f.get("interpolation")) s.interpolation = readInterpolation(Fields(*i, file, f.name("interpolation")));
  if (const json* d = f.get("diffusion")) s.diffusion = readDiffusion(Fields(*d, file, f.name("diffusion")));
  if (const json* g = f.get("seeds")) s.seeds = readSeeds(Fields(*g, file, f.name("seeds")));
  if (const json* g = f.get("sampling")) s.sampling = readSampling(Fields(*g, file, f.name("sampling")));
  if (const json* p = f.get("panel_state")) {
    if (!p->is_object()) f.fail("panel_state", "must be an object of panel name -> settings");
    for (auto& [id, v] : p->items()) {
      if (std::find(known.begin(), known.end(), id) == known.end())
        f.fail("panel_state", "unknown panel \"" + id + "\" (panels are " + Fields::join(known) + ")");
      if (!v.is_object()) f.fail("panel_state." + id, "must be an object (that panel's session settings)");
    }
    s.panelState = *p;
  }
  f.done();
  return s;
}
}  // namespace

Lesson parseLesson(const json& j, const std::string& where, const std::vector<std::string>& known) {
  Fields top(j, where, "");
  Lesson l;
  l.path = where;
  auto format = top.opt<std::string>("format", "a string");
  if (!format || *format != kFormat) top.fail("format", std::string("must be \"") + kFormat + "\"");
  l.title = top.opt<std::string>("title", "a string").value_or("");
  if (l.title.empty()) top.fail("title", "is missing: a lesson has a title");
  l.summary = top.opt<std::string>("summary", "a string").value_or("");
  std::string model = top.opt<std::string>("model", "a model folder path").value_or("");
  if (auto s = top.number("presenter_scale", 1, 3)) l.presenterScale = float(*s);
  const json& steps = top.require("steps");
  if (!steps.is_array() || steps.empty()) top.fail("steps", "must be a non-empty list of steps");
  if (steps.size() > 100) top.fail("steps", "has more than 100 steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string at = "steps[" + std::to_string(i) + "]";
    l.steps.push_back(readStep(Fields(steps[i], where, at), where, known, i ? &l.steps.back() : nullptr, model));
  }
  top.done();
  return l;
}

Lesson loadLesson(const std::string& path, const std::vector<std::string>& known) {
  return parseLesson(readJsonFile(path), path, known);
}

}  // namespace latentlab
