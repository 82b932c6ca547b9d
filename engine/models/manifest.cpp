#include "engine/models/manifest.h"

#include <cmath>
#include <limits>
#include <set>

#include "engine/models/model_kinds.h"
#include "engine/util/checked_size.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace {

using nlohmann::json;

// Every read below checks the JSON type first, so a wrong type anywhere is a BadInput that
// names the field and the expected type, never an nlohmann type_error.

const json& need(const json& j, const char* key, const std::string& where) {
  if (!j.is_object()) throw BadInput(where + ": must be an object, got " + jsonTypeName(j));
  if (!j.contains(key)) throw BadInput(where + ": missing field \"" + key + "\"");
  return j.at(key);
}

std::string needString(const json& j, const char* key, const std::string& where) {
  const json& v = need(j, key, where);
  if (!v.is_string())
    throw BadInput(where + ": field \"" + key + "\" must be a string, got " + jsonTypeName(v));
  return v.get<std::string>();
}

std::string optString(const json& j, const char* key, const std::string& where) {
  return j.contains(key) ? needString(j, key, where) : std::string();
}

int needPositiveInt(const json& j, const char* key, const std::string& where, int maxValue) {
  const json& v = need(j, key, where);
  // An unsigned above INT64_MAX reads back negative as int64, so it fails the range check too.
  if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > maxValue)
    throw BadInput(where + ": field \"" + key + "\" must be an integer in 1.." + std::to_string(maxValue) + ", got " +
                   (v.is_number_integer() ? v.dump() : jsonTypeName(v)));
  return v.get<int>();
}

// A number that fits a float (converting a larger double to float is undefined).
bool isFloat(const json& v) {
  if (!v.is_number()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::fabs(d) <= double(std::numeric_limits<float>::max());
}

NetworkSpec parseNetwork(const json& j, const std::string& where) {
  if (!j.is_object()) throw BadInput(where + ": must be an object, got " + jsonTypeName(j));
  NetworkSpec n;
  if (j.contains("torchscript")) {
    n.torchscript = needString(j, "torchscript", where);
    if (j.contains("builtin") || j.contains("weights"))
      throw BadInput(where + ": give either \"torchscript\" or \"builtin\" + \"weights\", not both");
  } else {
    n.builtin = needString(j, "builtin", where);
    n.weights = needString(j, "weights", where);
  }
  // A TorchScript network may carry a config too (e.g. a latent denoiser's latent_scale).
  n.config = j.contains("config") ? j.at("config") : json::object();
  if (!n.config.is_object()) throw BadInput(where + ".config: must be an object, got " + jsonTypeName(n.config));
  for (const std::string* f : {&n.torchscript, &n.weights})
    if (f->find("..") != std::string::npos || (!f->empty() && (*f)[0] == '/'))
      throw BadInput(where + ": file \"" + *f + "\" must be a plain name inside the bundle folder");
  return n;
}

SamplingDefaults parseSampling(const json& j, const std::string& where) {
  if (!j.is_object()) throw BadInput(where + ": must be an object, got " + jsonTypeName(j));
  for (auto& [k, v] : j.items())
    if (k != "sampler" && k != "steps" && k != "guidance" && k != "use_clipped_model_output")
      throw BadInput(where + ": unknown field \"" + k + "\"");
  SamplingDefaults s;
  if (j.contains("sampler")) s.sampler = needString(j, "sampler", where);
  if (j.contains("steps")) s.steps = needPositiveInt(j, "steps", where, 100000);
  if (j.contains("guidance")) {
    const json& g = j.at("guidance");
    if (!g.is_number() || !(g.get<double>() >= 0 && g.get<double>() <= 100))
      throw BadInput(where + ": field \"guidance\" must be a number in 0..100, got " +
                     (g.is_number() ? g.dump() : jsonTypeName(g)));
    s.guidance = g.get<double>();
  }
  if (j.contains("use_clipped_model_output")) {
    if (!j.at("use_clipped_model_output").is_boolean())
      throw BadInput(where + ": field \"use_clipped_model_output\" must be true or false");
    s.useClippedModelOutput = j.at("use_clipped_model_output").get<bool>();
  }
  return s;
}

Manifest parseManifestChecked(const json& j, const std::string& where) {
  if (!j.is_object()) throw BadInput(where + ": the manifest must be a JSON object, got " + jsonTypeName(j));
  static const std::set<std::string> known = {"format", "name", "kind", "image", "latent", "classes",
                                              "autoencoder", "denoiser", "classifier", "generator", "truncation",
                                              "prior", "token_sampling", "conditioning", "scheduler", "sampling", "training", "description"};
  for (auto& [k, v] : j.items())
    if (!known.count(k)) throw BadInput(where + ": unknown field \"" + k + "\"");
  Manifest m;
  m.format = needString(j, "format", where);
  if (m.format != "latentlab-model/1")
    throw BadInput(where + ": field \"format\" is \"" + m.format + "\", expected \"latentlab-model/1\"");
  m.name = needString(j, "name", where);
  m.kind = needString(j, "kind", where);
  if (!findModelKind(m.kind))  // the one table of kinds (engine/models/model_kinds.h)
    throw BadInput(where + ": field \"kind\" is \"" + m.kind + "\", expected " + quotedAlternatives(modelKindNames()));
  const json& im = need(j, "image", where);
  std::string wi = where + ": image";
  m.image.channels = needPositiveInt(im, "channels", wi, 4);
  if (m.image.channels != 1 && m.image.channels != 3)
    throw BadInput(wi + ".channels must be 1 or 3");
  m.image.height = needPositiveInt(im, "height", wi, 4096);
  m.image.width = needPositiveInt(im, "width", wi, 4096);
  if (im.contains("range")) {
    const json& r = im.at("range");
    if (!r.is_array() || r.size() != 2 || !isFloat(r[0]) || !isFloat(r[1]) || !(r[0].get<float>() < r[1].get<float>()))
      throw BadInput(wi + ".range must be [lo, hi] with lo < hi, e.g. [0, 1] or [-1, 1]");
    m.image.rangeLo = r[0].get<float>();
    m.image.rangeHi = r[1].get<float>();
  }
  if (j.contains("latent")) {
    const json& s = need(j.at("latent"), "shape", where + ": latent");
    if (!s.is_array() || s.empty())
      throw BadInput(where + ": latent.shape must be a non-empty array, got " + jsonTypeName(s));
    for (auto& d : s) {
      if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > 65536)
        throw BadInput(where + ": latent.shape entries must be integers in 1..65536");
      m.latentShape.push_back(d.get<int64_t>());
    }
    uint64_t size = 1;  // latentSize() multiplies them: keep the product sane
    for (int64_t d : m.latentShape)
      if (!checkedMul(size, uint64_t(d), size) || size > (uint64_t(1) << 24))
        throw BadInput(where + ": latent.shape has more than " + std::to_string(1 << 24) + " elements");
  }
  if (j.contains("classes")) {
    const json& cl = j.at("classes");
    if (!cl.is_array()) throw BadInput(where + ": classes must be an array of names, got " + jsonTypeName(cl));
    for (auto& c : cl) {
      if (!c.is_string()) throw BadInput(where + ": classes must be an array of names (strings), got " + jsonTypeName(c));
      m.classes.push_back(c.get<std::string>());
    }
  }
  if (j.contains("autoencoder")) {
    const json& a = j.at("autoencoder");
    if (a.is_string()) m.autoencoderBundle = a.get<std::string>();
    else if (a.is_object()) m.autoencoder = parseNetwork(a, where + ": autoencoder");
    else
      throw BadInput(where + ": field \"autoencoder\" must be an object or a bundle path (string), got " +
                     jsonTypeName(a));
  }
  if (j.contains("denoiser")) m.denoiser = parseNetwork(j.at("denoiser"), where + ": denoiser");
  if (j.contains("classifier")) m.classifier = parseNetwork(j.at("classifier"), where + ": classifier");
  if (j.contains("generator")) m.generator = parseNetwork(j.at("generator"), where + ": generator");
  if (j.contains("prior")) m.prior = parseNetwork(j.at("prior"), where + ": prior");
  if (j.contains("token_sampling")) {
    m.tokenSampling = j.at("token_sampling");  // values checked by the token bundle loader
    if (!m.tokenSampling.is_object())
      throw BadInput(where + ": field \"token_sampling\" must be an object, got " + jsonTypeName(m.tokenSampling));
  }
  if (j.contains("truncation")) {
    const json& t = j.at("truncation");
    if (!t.is_number() || !(t.get<double>() >= 0 && t.get<double>() <= 1))
      throw BadInput(where + ": field \"truncation\" must be a number in 0..1, got " +
                     (t.is_number() ? t.dump() : jsonTypeName(t)));
    m.truncation = t.get<double>();
  }
  if (j.contains("conditioning") && !j.at("conditioning").is_null())
    m.numClasses = needPositiveInt(j.at("conditioning"), "num_classes", where + ": conditioning", 100000);
  if (j.contains("scheduler")) {
    m.scheduler = j.at("scheduler");
    if (!m.scheduler.is_null() && !m.scheduler.is_object())
      throw BadInput(where + ": field \"scheduler\" must be an object, got " + jsonTypeName(m.scheduler));
  }
  if (j.contains("sampling")) m.sampling = parseSampling(j.at("sampling"), where + ": sampling");
  if (j.contains("training")) m.training = j.at("training");
  m.description = optString(j, "description", where);

  if (m.kind == "autoencoder") {
    if (!m.autoencoder) throw BadInput(where + ": an autoencoder model needs an \"autoencoder\" object");
    if (m.latentShape.empty()) throw BadInput(where + ": an autoencoder model needs latent.shape");
  } else if (m.kind == "classifier") {
    if (!m.classifier) throw BadInput(where + ": a classifier model needs a \"classifier\" object");
  } else if (m.kind == "gan") {
    if (!m.generator) throw BadInput(where + ": a gan model needs a \"generator\" object");
    if (m.latentShape.empty()) throw BadInput(where + ": a gan model needs latent.shape");
  } else if (m.kind == "vq-autoregressive") {
    if (!m.autoencoder) throw BadInput(where + ": a vq-autoregressive model needs an \"autoencoder\" object (builtin vq-vae)");
    if (m.latentShape.size() != 2) throw BadInput(where + ": a vq-autoregressive model needs latent.shape [rows, cols] of tokens");
  } else {
    if (!m.denoiser) throw BadInput(where + ": a diffusion model needs a \"denoiser\" object");
  }
  if (m.kind == "latent-diffusion" && m.autoencoderBundle.empty() && !m.autoencoder)
    throw BadInput(where + ": a latent-diffusion model needs \"autoencoder\" (path of the VAE bundle)");
  return m;
}

}  // namespace

Manifest parseManifest(const json& j, const std::string& where) {
  try {
    return parseManifestChecked(j, where);
  } catch (const json::exception& e) {
    // Safety net only: every read above checks types first. Still a message, not a crash.
    throw BadInput(where + ": unexpected JSON value (" + e.what() + ")");
  }
}

Manifest readManifest(const std::string& bundleDir) {
  std::string path = bundleDir + "/model.json";
  return parseManifest(readJsonFile(path), path);
}

static json networkToJson(const NetworkSpec& n) {
  if (!n.torchscript.empty()) {
    json j = {{"torchscript", n.torchscript}};
    if (n.config.is_object() && !n.config.empty()) j["config"] = n.config;
    return j;
  }
  return {{"builtin", n.builtin}, {"config", n.config}, {"weights", n.weights}};
}

json manifestToJson(const Manifest& m) {
  json j;
  j["format"] = m.format;
  j["name"] = m.name;
  j["kind"] = m.kind;
  if (!m.description.empty()) j["description"] = m.description;
  j["image"] = {{"channels", m.image.channels},
                {"height", m.image.height},
                {"width", m.image.width},
                {"range", {m.image.rangeLo, m.image.rangeHi}}};
  if (!m.latentShape.empty()) j["latent"] = {{"shape", m.latentShape}};
  if (!m.classes.empty()) j["classes"] = m.classes;
  if (m.autoencoder) j["autoencoder"] = networkToJson(*m.autoencoder);
  else if (!m.autoencoderBundle.empty()) j["autoencoder"] = m.autoencoderBundle;
  if (m.denoiser) j["denoiser"] = networkToJson(*m.denoiser);
  if (m.classifier) j["classifier"] = networkToJson(*m.classifier);
  if (m.generator) j["generator"] = networkToJson(*m.generator);
  if (m.prior) j["prior"] = networkToJson(*m.prior);
  if (m.tokenSampling.is_object()) j["token_sampling"] = m.tokenSampling;
  if (m.kind == "gan" || m.truncation != 1.0) j["truncation"] = m.truncation;
  if (m.numClasses) j["conditioning"] = {{"num_classes", m.numClasses}};
  if (!m.scheduler.is_null()) j["scheduler"] = m.scheduler;
  if (m.sampling) {
    j["sampling"] = {{"sampler", m.sampling->sampler}, {"steps", m.sampling->steps}, {"guidance", m.sampling->guidance}};
    if (m.sampling->useClippedModelOutput) j["sampling"]["use_clipped_model_output"] = true;
  }
  if (!m.training.is_null()) j["training"] = m.training;
  return j;
}

}  // namespace latentlab
