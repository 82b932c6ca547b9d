// The registry of direction sources by name (class, pca, sefa, groups, file) and the spec
// parser "source:argument" that the CLI's --direction and the Directions panel share.
#include <algorithm>
#include <cstdlib>

#include "engine/latent/directions.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

const LatentSet& needLatents(const DirectionRequest& r, const std::string& what) {
  if (!r.latents || r.latents->count == 0)
    throw BadInput(what + " needs encoded data (a data set, or a GAN's prior samples)");
  return *r.latents;
}

ExploreModel& needModel(const DirectionRequest& r, const std::string& what) {
  if (!r.model) throw BadInput(what + " needs a model");
  return *r.model;
}

// A class by name (exact) or index.
int findClass(const LatentSet& set, const std::string& name, const std::string& spec) {
  for (size_t i = 0; i < set.classNames.size(); ++i)
    if (set.classNames[i] == name) return int(i);
  char* end = nullptr;
  long v = std::strtol(name.c_str(), &end, 10);
  if (!name.empty() && end && *end == '\0' && v >= 0 && v < 100000) return int(v);
  std::string known;
  for (const auto& c : set.classNames) known += (known.empty() ? "" : ", ") + c;
  throw BadInput(spec + ": no class \"" + name + "\" (classes: " + (known.empty() ? "none" : known) + ")");
}

int parseIndex(const std::string& arg, int limit, const std::string& spec) {
  char* end = nullptr;
  long v = std::strtol(arg.c_str(), &end, 10);
  if (arg.empty() || !end || *end != '\0' || v < 0 || v >= limit)
    throw BadInput(spec + ": the index must be 0.." + std::to_string(limit - 1));
  return int(v);
}

std::vector<Direction> makeClass(const DirectionRequest& r) {
  std::string spec = "class:" + r.argument;
  const LatentSet& set = needLatents(r, spec);
  auto arrow = r.argument.find("->");
  if (arrow == std::string::npos) throw BadInput(spec + ": expected class:FROM->TO, e.g. class:Sneaker->Ankle boot");
  int from = findClass(set, r.argument.substr(0, arrow), spec), to = findClass(set, r.argument.substr(arrow + 2), spec);
  return {classDirection(set, from, to)};
}

std::vector<std::string> namesClass(const DirectionRequest& r) {
  std::vector<std::string> out;
  if (!r.latents) return out;
  const auto& c = r.latents->classNames;
  for (size_t a = 0; a < c.size(); ++a)
    for (size_t b = 0; b < c.size(); ++b)
      if (a != b) out.push_back("class:" + c[a] + "->" + c[b]);
  return out;
}

std::vector<Direction> makePca(const DirectionRequest& r) {
  std::string spec = "pca:" + r.argument;
  const LatentSet& set = needLatents(r, spec);
  int i = parseIndex(r.argument, set.dim, spec);
  return {pcaDirections(set, i + 1).back()};
}

std::vector<Direction> makeSefa(const DirectionRequest& r) {
  std::string spec = "sefa:" + r.argument;
  ExploreModel& m = needModel(r, spec);
  int i = parseIndex(r.argument, m.info().latentDim, spec);
  auto d = sefaDirections(m.firstLinearWeight(), i + 1).back();
  d.model = m.info().dir;
  return {d};
}

std::vector<Direction> makeGroups(const DirectionRequest& r) {
  return {groupDirection(needLatents(r, "groups"), r.groupA, r.groupB, r.nameA, r.nameB)};
}

std::vector<Direction> makeFile(const DirectionRequest& r) {
  if (r.argument.empty()) throw BadInput("file: expected file:PATH of a directions .json file");
  return loadDirections(r.argument, r.model ? r.model->info().latentDim : (r.latents ? r.latents->dim : 0));
}

std::vector<std::string> indexNames(const char* prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(std::string(prefix) + ":" + std::to_string(i));
  return out;
}

}  // namespace

const std::vector<DirectionSource>& directionSources() {
  static const std::vector<DirectionSource> sources = {
      {"class", "Difference of two class means of the encoded data, in units of the pooled standard deviation along it",
       "class:Sneaker->Ankle boot", true, false, makeClass, namesClass},
      {"pca", "Principal directions of the encoded data (GANSpace), labelled with their share of the variance", "pca:0",
       true, false, makePca,
       [](const DirectionRequest& r) { return r.latents ? indexNames("pca", r.latents->dim) : std::vector<std::string>{}; }},
      {"sefa", "Closed-form directions of the decoder's first linear layer (SeFa: eigenvectors of W^T W), by eigenvalue",
       "sefa:0", false, true, makeSefa,
       [](const DirectionRequest& r) { return r.model ? indexNames("sefa", r.model->info().latentDim) : std::vector<std::string>{}; }},
      {"groups", "Normal of a linear classifier between two groups of points picked on the map (InterFaceGAN)", "groups",
       true, false, makeGroups, [](const DirectionRequest&) { return std::vector<std::string>{"groups"}; }},
      {"file", "Directions saved in a .json file (latentlab-directions/1)", "file:edits.json", false, false, makeFile,
       [](const DirectionRequest&) { return std::vector<std::string>{}; }},
  };
  return sources;
}

const DirectionSource* findDirectionSource(const std::string& name) {
  for (const auto& s : directionSources())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<Direction> resolveDirections(const std::string& spec, DirectionRequest req) {
  std::string source, arg;
  auto colon = spec.find(':');
  auto endsWith = [&](const char* suffix) {
    std::string s(suffix);
    return spec.size() >= s.size() && spec.compare(spec.size() - s.size(), s.size(), s) == 0;
  };
  if (colon != std::string::npos && findDirectionSource(spec.substr(0, colon))) {
    source = spec.substr(0, colon);
    arg = spec.substr(colon + 1);
  } else if (endsWith(".json")) {
    source = "file";
    arg = spec;
  } else if (findDirectionSource(spec)) {
    source = spec;
  } else {
    std::string names;
    for (const auto& s : directionSources()) names += (names.empty() ? "" : ", ") + s.example;
    throw BadInput("direction \"" + spec + "\": unknown; expected one of " + names + " or a .json file");
  }
  req.argument = arg;
  return findDirectionSource(source)->make(req);
}

}  // namespace latentlab
