#include "engine/models/torchscript_model.h"

#include <torch/csrc/jit/passes/inliner.h>
#include <torch/torch.h>

#include <cstring>
#include <sstream>

#include "engine/util/errors.h"

namespace latentlab {

namespace {

// LibTorch's messages run over many lines with a C++ backtrace: the first line says it,
// except for errors inside TorchScript code, where the first line only says that an
// operation failed and the cause (e.g. "RuntimeError: ... can't allocate memory") is the
// last line after the TorchScript traceback.
std::string firstLine(const char* what) {
  std::string s = what ? what : "";
  if (s.rfind("The following operation failed in the TorchScript interpreter", 0) == 0) {
    size_t end = s.find_last_not_of("\n ");
    size_t start = end == std::string::npos ? std::string::npos : s.rfind('\n', end);
    if (end != std::string::npos && start != std::string::npos) s = s.substr(start + 1, end - start);
  }
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

std::string shapeText(c10::IntArrayRef s) {
  std::ostringstream os;
  os << s;
  return os.str();
}
std::string shapeText(const std::vector<int64_t>& s) { return shapeText(c10::IntArrayRef(s)); }

void walkBlock(torch::jit::Block* b, const std::string& method, const std::string& where) {
  for (torch::jit::Node* n : b->nodes()) {
    const char* kind = n->kind().toQualString();
    for (const DeniedOperator& d : deniedOperators())
      if (std::strcmp(kind, d.op) == 0)
        throw BadInput(where + ": refused: method " + method + " calls " + d.op + " (" + d.why +
                       "); LatentLab does not run models that reach files, processes or the network");
    for (torch::jit::Block* sub : n->blocks()) walkBlock(sub, method, where);
  }
}

// A float tensor of a probe's output, with its name in the messages.
torch::Tensor requireFloatTensor(const c10::IValue& v, const std::string& what, const std::string& where) {
  if (!v.isTensor()) throw BadInput(where + ": " + what + " is a " + v.tagKind() + ", expected a Tensor");
  torch::Tensor t = v.toTensor();
  if (!t.defined()) throw BadInput(where + ": " + what + " is an undefined tensor");
  if (!torch::isFloatingType(t.scalar_type()))
    throw BadInput(where + ": " + what + " has dtype " + std::string(c10::toString(t.scalar_type())) +
                   ", expected a float tensor");
  return t;
}

void requireFinite(const torch::Tensor& t, const std::string& what, const std::string& where) {
  if (!torch::isfinite(t).all().item<bool>())
    throw BadInput(where + ": " + what + " holds NaN or Inf on the probe input (zeros)");
}

void requireMethod(const TorchScriptModule& m, const std::string& name, int args, const std::string& signature,
                   const std::string& role, const std::string& where) {
  int n = m.argCount(name);
  if (n < 0)
    throw BadInput(where + ": the module has no " + name + " method; " + role + " needs " + signature +
                   " (see docs/model-format.md)");
  if (n != args)
    throw BadInput(where + ": " + name + " takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") +
                   ", expected " + signature);
}

torch::Tensor nullClasses(int64_t n, int numClasses, torch::Device device) {
  return torch::full({n}, int64_t(numClasses), torch::TensorOptions(torch::kLong).device(device));
}

}  // namespace

std::shared_ptr<TorchScriptModule> TorchScriptModule::load(const std::string& path, const ArchiveScan* scan) {
  ArchiveScan own;
  if (!scan) own = scanTorchScriptArchive(path);
  auto m = std::shared_ptr<TorchScriptModule>(new TorchScriptModule());
  m->m_path = path;
  try {
    m->m_module = torch::jit::load(path, torch::kCPU);
  } catch (const std::exception& e) {
    throw BadInput(path + ": LibTorch cannot load this TorchScript archive: " + firstLine(e.what()));
  }
  m->m_module.eval();
  checkDeniedOperators(m->m_module, path);
  torch::NoGradGuard ng;
  for (const auto& p : m->m_module.named_parameters(true))
    if (torch::isFloatingType(p.value.scalar_type()) && !torch::isfinite(p.value).all().item<bool>())
      throw BadInput(path + ": parameter \"" + p.name + "\" holds NaN or Inf");
  for (const auto& b : m->m_module.named_buffers(true))
    if (torch::isFloatingType(b.value.scalar_type()) && !torch::isfinite(b.value).all().item<bool>())
      throw BadInput(path + ": buffer \"" + b.name + "\" holds NaN or Inf");
  return m;
}

void checkDeniedOperators(const torch::jit::Module& module, const std::string& where) {
  try {
    for (const torch::jit::Module& sub : module.modules()) {
      for (const torch::jit::Method& method : sub.get_methods()) {
        // Inlining follows calls into submodules and free functions, so a denied operator
        // hidden two calls deep is seen in the caller's graph too.
        auto g = method.graph()->copy();
        torch::jit::Inline(*g);
        walkBlock(g->block(), method.name(), where);
      }
    }
  } catch (const BadInput&) {
    throw;
  } catch (const std::exception& e) {
    throw BadInput(where + ": cannot inspect the module's code: " + firstLine(e.what()));
  }
}

bool TorchScriptModule::hasMethod(const std::string& name) const { return m_module.find_method(name).has_value(); }

int TorchScriptModule::argCount(const std::string& name) const {
  auto method = m_module.find_method(name);
  if (!method) return -1;
  return int(method->function().getSchema().arguments().size()) - 1;  // self
}

c10::IValue TorchScriptModule::call(const std::string& method, std::vector<c10::IValue> inputs) {
  try {
    return m_module.get_method(method)(std::move(inputs));
  } catch (const std::exception& e) {
    throw BadInput(m_path + ": " + method + "(...) failed: " + firstLine(e.what()));
  }
}

int64_t TorchScriptModule::parameterCount() const {
  int64_t n = 0;
  for (const auto& p : m_module.parameters(true)) n += p.numel();
  return n;
}

int64_t TorchScriptModule::bufferValueCount() const {
  int64_t n = 0;
  for (const auto& b : m_module.buffers(true)) n += b.numel();
  return n;
}

void TorchScriptModule::to(torch::Device device) { m_module.to(device); }

void TorchScriptModule::setParametersRequireGrad(bool on) {
  for (auto p : m_module.parameters(true)) p.requires_grad_(on);
}

// ------------------------------------------------------------------ adapters

TorchScriptAutoencoder::TorchScriptAutoencoder(std::shared_ptr<TorchScriptModule> m) : m_module(std::move(m)) {}

std::pair<torch::Tensor, torch::Tensor> TorchScriptAutoencoder::encode(const torch::Tensor& x) {
  c10::IValue out = m_module->call("encode", {x});
  const std::string& where = m_module->path();
  if (out.isTuple()) {
    auto elems = out.toTupleRef().elements();
    if (elems.size() != 2)
      throw BadInput(where + ": encode returned a tuple of " + std::to_string(elems.size()) +
                     ", expected a Tensor (mean) or a tuple (mean, logvar)");
    auto mu = requireFloatTensor(elems[0], "encode's mean", where);
    auto logvar = requireFloatTensor(elems[1], "encode's logvar", where);
    if (mu.sizes() != logvar.sizes())
      throw BadInput(where + ": encode's mean " + shapeText(mu.sizes()) + " and logvar " + shapeText(logvar.sizes()) +
                     " differ in shape");
    m_returnsLogvar = true;
    return {mu, logvar};
  }
  if (!out.isTensor())
    throw BadInput(where + ": encode returned a " + std::string(out.tagKind()) +
                   ", expected a Tensor (mean) or a tuple (mean, logvar)");
  auto mu = requireFloatTensor(out, "encode's output", where);
  m_returnsLogvar = false;
  return {mu, torch::full_like(mu, kDeterministicLogvar)};
}

torch::Tensor TorchScriptAutoencoder::decode(const torch::Tensor& z) {
  return requireFloatTensor(m_module->call("decode", {z}), "decode's output", m_module->path());
}

TorchScriptDenoiser::TorchScriptDenoiser(std::shared_ptr<TorchScriptModule> m, int numClasses)
    : m_module(std::move(m)), m_numClasses(numClasses), m_takesClass(m_module->argCount("forward") == 3) {}

torch::Tensor TorchScriptDenoiser::forward(const torch::Tensor& xt, const torch::Tensor& t,
                                           const torch::Tensor& classes) {
  std::vector<c10::IValue> in{xt, t.to(xt.device(), torch::kFloat)};
  if (m_takesClass)
    in.emplace_back(classes.defined() ? classes.to(xt.device(), torch::kLong)
                                      : nullClasses(xt.size(0), m_numClasses, xt.device()));
  return requireFloatTensor(m_module->call("forward", std::move(in)), "forward's output", m_module->path());
}

TorchScriptGenerator::TorchScriptGenerator(std::shared_ptr<TorchScriptModule> m, int numClasses)
    : m_module(std::move(m)), m_numClasses(numClasses), m_takesClass(m_module->argCount("forward") == 2) {}

torch::Tensor TorchScriptGenerator::forward(const torch::Tensor& z, const torch::Tensor& classes) {
  std::vector<c10::IValue> in{z};
  if (m_takesClass)
    in.emplace_back(classes.defined() ? classes.to(z.device(), torch::kLong)
                                      : torch::zeros({z.size(0)}, torch::TensorOptions(torch::kLong).device(z.device())));
  return requireFloatTensor(m_module->call("forward", std::move(in)), "forward's output", m_module->path());
}

// ------------------------------------------------------------------ probes

AutoencoderProbe probeAutoencoder(const std::shared_ptr<TorchScriptModule>& m, const ImageSpec& image,
                                  const std::vector<int64_t>& latentShape, const std::string& where) {
  const std::string role = "an autoencoder";
  requireMethod(*m, "encode", 1, "encode(x) -> mean or (mean, logvar)", role, where);
  requireMethod(*m, "decode", 1, "decode(z) -> x", role, where);
  torch::NoGradGuard ng;
  TorchScriptAutoencoder ae(m);
  auto x = torch::zeros({2, image.channels, image.height, image.width});
  torch::Tensor mu, logvar;
  try {
    std::tie(mu, logvar) = ae.encode(x);
  } catch (const BadInput& e) {
    // For a file without metadata the usual cause is an image shape (--image, the window's
    // question) that is not the one the network takes: say which shape was tried.
    throw BadInput(std::string(e.what()) + " (encode was given " + std::to_string(image.channels) + "x" +
                   std::to_string(image.height) + "x" + std::to_string(image.width) +
                   " images: is that the image shape the model takes?)");
  }
  if (mu.dim() < 2 || mu.size(0) != 2)
    throw BadInput(where + ": encode of 2 images returned shape " + shapeText(mu.sizes()) +
                   ", expected [2, latent...] (batch first)");
  requireFinite(mu, "encode's mean", where);
  requireFinite(logvar, "encode's logvar", where);
  AutoencoderProbe p;
  p.latentShape.assign(mu.sizes().begin() + 1, mu.sizes().end());
  if (!latentShape.empty() && p.latentShape != latentShape)
    throw BadInput(where + ": encode returns latents of shape " + shapeText(p.latentShape) + " but latent.shape is " +
                   shapeText(latentShape));
  auto y = ae.decode(mu);
  std::vector<int64_t> want{2, image.channels, image.height, image.width};
  if (y.sizes() != c10::IntArrayRef(want))
    throw BadInput(where + ": decode of 2 latents returned shape " + shapeText(y.sizes()) + ", expected " +
                   shapeText(want) + " (N x channels x height x width of image)");
  requireFinite(y, "decode's output", where);
  p.outMin = y.min().item<float>();
  p.outMax = y.max().item<float>();
  float span = image.rangeHi - image.rangeLo;
  // Loose on purpose (an untrained or unclamped decoder overshoots a little); what this
  // catches is a wrong range, e.g. a [0, 255] model declared [0, 1].
  if (p.outMin < image.rangeLo - span || p.outMax > image.rangeHi + span) {
    std::ostringstream os;
    os << where << ": decode's output spans [" << p.outMin << ", " << p.outMax << "], far outside image.range ["
       << image.rangeLo << ", " << image.rangeHi << "]; set image.range to the model's value range";
    throw BadInput(os.str());
  }
  return p;
}

void probeDenoiser(const std::shared_ptr<TorchScriptModule>& m, const std::vector<int64_t>& sampleShape,
                   int numClasses, const std::string& where) {
  int n = m->argCount("forward");
  if (n < 0) throw BadInput(where + ": the module has no forward method; a denoiser needs forward(x_t, t[, class])");
  if (n != 2 && n != 3)
    throw BadInput(where + ": forward takes " + std::to_string(n) + " arguments, expected forward(x_t, t) or " +
                   "forward(x_t, t, class)");
  if (n == 3 && numClasses == 0)
    throw BadInput(where + ": forward takes a class but conditioning.num_classes is not set");
  if (n == 2 && numClasses > 0)
    throw BadInput(where + ": conditioning.num_classes is " + std::to_string(numClasses) +
                   " but forward takes no class: expected forward(x_t, t, class)");
  torch::NoGradGuard ng;
  std::vector<int64_t> shape{2};
  shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
  TorchScriptDenoiser d(m, numClasses);
  auto out = d.forward(torch::zeros(shape), torch::full({2}, 500.f), torch::Tensor());
  if (out.sizes() != c10::IntArrayRef(shape))
    throw BadInput(where + ": forward of x_t " + shapeText(shape) + " returned shape " + shapeText(out.sizes()) +
                   ", expected the shape of x_t");
  requireFinite(out, "forward's output", where);
}

void probeGenerator(const std::shared_ptr<TorchScriptModule>& m, const ImageSpec& image,
                    const std::vector<int64_t>& latentShape, int numClasses, const std::string& where) {
  int n = m->argCount("forward");
  if (n < 0) throw BadInput(where + ": the module has no forward method; a generator needs forward(z[, class])");
  if (n != 1 && n != 2)
    throw BadInput(where + ": forward takes " + std::to_string(n) + " arguments, expected forward(z) or forward(z, class)");
  if (n == 2 && numClasses == 0) throw BadInput(where + ": forward takes a class but conditioning.num_classes is not set");
  if (n == 1 && numClasses > 0)
    throw BadInput(where + ": conditioning.num_classes is " + std::to_string(numClasses) +
                   " but forward takes no class: expected forward(z, class)");
  torch::NoGradGuard ng;
  std::vector<int64_t> zs{2};
  zs.insert(zs.end(), latentShape.begin(), latentShape.end());
  TorchScriptGenerator g(m, numClasses);
  // Classes 0 and the last: an embedding sized one short fails here, not in the seed grid.
  auto classes = numClasses ? torch::tensor({int64_t(0), int64_t(numClasses - 1)}) : torch::Tensor();
  auto y = g.forward(torch::zeros(zs), classes);
  std::vector<int64_t> want{2, image.channels, image.height, image.width};
  if (y.sizes() != c10::IntArrayRef(want))
    throw BadInput(where + ": forward of z " + shapeText(zs) + " returned shape " + shapeText(y.sizes()) +
                   ", expected " + shapeText(want) + " (N x channels x height x width of image)");
  requireFinite(y, "forward's output", where);
  const float lo = y.min().item<float>(), hi = y.max().item<float>();
  const float span = image.rangeHi - image.rangeLo;
  if (lo < image.rangeLo - span || hi > image.rangeHi + span) {
    std::ostringstream os;
    os << where << ": forward's output spans [" << lo << ", " << hi << "], far outside image.range [" << image.rangeLo
       << ", " << image.rangeHi << "]; set image.range to the model's value range";
    throw BadInput(os.str());
  }
}

}  // namespace latentlab
