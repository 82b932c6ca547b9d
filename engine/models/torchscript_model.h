// A user's TorchScript module behind the engine's interfaces: Autoencoder (encode/decode),
// Denoiser (forward(x_t, t[, class])) and a generator (forward(z[, class])). Loading goes
// through the libzip pre-scan first (torchscript_archive.h), then torch::jit::load on the
// CPU, then a walk of every method's inlined graph for denied operators, then a check that
// the parameters are finite. Each probe*() runs the module once on a zero input and checks
// methods, arity, output type, dtype, shape and finiteness with one-line BadInput messages.
// Never lets a c10::Error out: everything LibTorch throws becomes a BadInput naming the file.
#pragma once
#include <torch/script.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/models/autoencoder.h"
#include "engine/models/denoiser.h"
#include "engine/models/manifest.h"
#include "engine/models/torchscript_archive.h"

namespace latentlab {

class TorchScriptModule {
 public:
  // Pre-scan, load, eval(), operator denylist, finite parameters. `scan` may be given when
  // the caller already scanned the file (the single-file form reads its metadata first).
  static std::shared_ptr<TorchScriptModule> load(const std::string& path, const ArchiveScan* scan = nullptr);

  const std::string& path() const { return m_path; }
  bool hasMethod(const std::string& name) const;
  // Arguments of a method, not counting self (-1 when there is no such method).
  int argCount(const std::string& name) const;
  // Calls a method; any LibTorch error becomes BadInput "<path>: <method>(...) failed: ...".
  c10::IValue call(const std::string& method, std::vector<c10::IValue> inputs);
  int64_t parameterCount() const;
  int64_t bufferValueCount() const;  // values in buffers, recursively (see Autoencoder)
  void to(torch::Device device);
  // requires_grad of every parameter (off: a caller differentiates with respect to inputs only).
  void setParametersRequireGrad(bool on);

 private:
  std::string m_path;
  torch::jit::Module m_module;
};

// Throws BadInput when any method of the module (recursively: submodules, called functions)
// uses an operator of deniedOperators(), naming the method and the operator.
void checkDeniedOperators(const torch::jit::Module& module, const std::string& where);

class TorchScriptAutoencoder : public Autoencoder {
 public:
  explicit TorchScriptAutoencoder(std::shared_ptr<TorchScriptModule> m);
  // encode -> mean: the log-variance is reported as kDeterministicLogvar (std ~ 0).
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) override;
  torch::Tensor decode(const torch::Tensor& z) override;
  int64_t parameterCount() const override { return m_module->parameterCount(); }
  int64_t bufferValueCount() const override { return m_module->bufferValueCount(); }
  void to(torch::Device device) override { m_module->to(device); }
  bool returnsLogvar() const { return m_returnsLogvar; }
  static constexpr double kDeterministicLogvar = -30.0;

 private:
  std::shared_ptr<TorchScriptModule> m_module;
  bool m_returnsLogvar = true;
};

class TorchScriptDenoiser : public Denoiser {
 public:
  TorchScriptDenoiser(std::shared_ptr<TorchScriptModule> m, int numClasses);
  torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& classes) override;
  int numClasses() const override { return m_numClasses; }
  int64_t parameterCount() const override { return m_module->parameterCount(); }
  void to(torch::Device device) override { m_module->to(device); }

 private:
  std::shared_ptr<TorchScriptModule> m_module;
  int m_numClasses = 0;
  bool m_takesClass = false;
};

// A GAN generator: forward(z) or forward(z, class) -> images N x C x H x W in image.range.
// A conditional module given no classes gets class 0 (a generator has no "null" class).
class TorchScriptGenerator {
 public:
  TorchScriptGenerator(std::shared_ptr<TorchScriptModule> m, int numClasses);
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& classes);
  int numClasses() const { return m_numClasses; }
  bool takesClass() const { return m_takesClass; }
  int64_t parameterCount() const { return m_module->parameterCount(); }
  void to(torch::Device device) { m_module->to(device); }
  TorchScriptModule& module() { return *m_module; }

 private:
  std::shared_ptr<TorchScriptModule> m_module;
  int m_numClasses = 0;
  bool m_takesClass = false;
};

// The probes: one call on zeros (batch of 2) with every output checked. `where` prefixes the
// messages. probeAutoencoder returns the latent shape found by encode (checked against
// `latentShape` unless that is empty) and the decode output's value span.
struct AutoencoderProbe {
  std::vector<int64_t> latentShape;
  float outMin = 0, outMax = 0;
};
AutoencoderProbe probeAutoencoder(const std::shared_ptr<TorchScriptModule>& m, const ImageSpec& image,
                                  const std::vector<int64_t>& latentShape, const std::string& where);
void probeDenoiser(const std::shared_ptr<TorchScriptModule>& m, const std::vector<int64_t>& sampleShape,
                   int numClasses, const std::string& where);
// Also checks that forward takes a class exactly when conditioning.num_classes is set, and
// (loosely, as for decode) that the output lies near image.range.
void probeGenerator(const std::shared_ptr<TorchScriptModule>& m, const ImageSpec& image,
                    const std::vector<int64_t>& latentShape, int numClasses, const std::string& where);

}  // namespace latentlab
