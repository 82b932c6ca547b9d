// Direction files: {"format": "latentlab-directions/1", "directions": [...]}. Strict: unknown
// or missing fields, wrong types and non-finite values are BadInputs naming the file and the
// field; writes are atomic.
#include <cmath>
#include <set>

#include "engine/latent/directions.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace {
constexpr const char* kFormat = "latentlab-directions/1";

// where: "FILE: directions[2]" (fields joined with a dot) or "FILE: " (top level).
template <typename T>
T field(const nlohmann::json& j, const char* key, const std::string& where, const char* expected) {
  std::string at = where + (where.size() > 1 && where.back() == ' ' ? "" : ".") + key;
  if (!j.contains(key)) throw BadInput(at + " is missing (expected " + expected + ")");
  auto v = jsonAs<T>(j.at(key));
  if (!v) throw BadInput(at + " must be " + expected + ", got " + jsonTypeName(j.at(key)));
  return *v;
}
}  // namespace

nlohmann::json directionToJson(const Direction& d) {
  return {{"name", d.name},   {"source", d.source}, {"label", d.label}, {"model", d.model},
          {"units", d.units}, {"sigma", d.sigma},   {"score", d.score}, {"vector", d.vector}};
}

Direction directionFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw BadInput(where + " must be an object, got " + jsonTypeName(j));
  static const std::set<std::string> known = {"name", "source", "label", "model", "units", "sigma", "score", "vector"};
  for (const auto& [k, v] : j.items())
    if (!known.count(k)) throw BadInput(where + "." + k + " is not a direction field (name, source, label, model, units, sigma, score, vector)");
  Direction d;
  d.name = field<std::string>(j, "name", where, "a string");
  if (d.name.empty()) throw BadInput(where + ".name must not be empty");
  d.source = j.contains("source") ? field<std::string>(j, "source", where, "a string") : "file";
  d.label = j.contains("label") ? field<std::string>(j, "label", where, "a string") : d.name;
  d.model = j.contains("model") ? field<std::string>(j, "model", where, "a string") : "";
  d.units = j.contains("units") ? field<std::string>(j, "units", where, "a string") : "sigma";
  d.sigma = j.contains("sigma") ? field<double>(j, "sigma", where, "a positive number") : 1.0;
  if (!(d.sigma > 0)) throw BadInput(where + ".sigma must be a positive number");
  d.score = j.contains("score") ? field<double>(j, "score", where, "a number") : 0.0;
  d.vector = field<std::vector<float>>(j, "vector", where, "an array of finite numbers");
  if (d.vector.empty()) throw BadInput(where + ".vector must not be empty");
  double n = 0;
  for (float x : d.vector) n += double(x) * x;
  n = std::sqrt(n);
  if (!(n > 1e-12)) throw BadInput(where + ".vector must not be all zeros");
  // A vector written by hand need not be unit length: one slider unit is sigma along its direction.
  for (float& x : d.vector) x = float(x / n);
  return d;
}

void saveDirections(const std::string& path, const std::vector<Direction>& dirs) {
  nlohmann::json j = {{"format", kFormat}, {"directions", nlohmann::json::array()}};
  for (const auto& d : dirs) j["directions"].push_back(directionToJson(d));
  writeFileAtomic(path, j.dump(2) + "\n");
}

std::vector<Direction> loadDirections(const std::string& path, int expectedDim) {
  nlohmann::json j = readJsonFile(path);
  if (!j.is_object()) throw BadInput(path + ": a directions file must be a JSON object, got " + jsonTypeName(j));
  for (const auto& [k, v] : j.items())
    if (k != "format" && k != "directions") throw BadInput(path + ": " + k + " is not a field of a directions file (format, directions)");
  auto format = field<std::string>(j, "format", path + ": ", "a string");
  if (format != kFormat) throw BadInput(path + ": format must be \"" + kFormat + "\", got \"" + format + "\"");
  if (!j.contains("directions") || !j["directions"].is_array())
    throw BadInput(path + ": directions must be an array of direction objects");
  std::vector<Direction> out;
  for (size_t i = 0; i < j["directions"].size(); ++i) {
    std::string where = path + ": directions[" + std::to_string(i) + "]";
    out.push_back(directionFromJson(j["directions"][i], where));
    if (expectedDim > 0 && out.back().vector.size() != size_t(expectedDim))
      throw BadInput(where + ".vector has " + std::to_string(out.back().vector.size()) + " values but the model's latent has " +
                     std::to_string(expectedDim));
  }
  if (out.empty()) throw BadInput(path + ": directions is empty");
  return out;
}

}  // namespace latentlab
