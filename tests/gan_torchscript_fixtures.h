// Shared by the engine and CLI tests of TorchScript generators: the fixtures (exported at test time by
// Debian's python3-torch with tools/export/example_models.py) and PyTorch's reference images
// of the same modules (tools/reference/torchscript_generate.py), all asked for first and made
// in one python start, since each start costs about a second.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "test_support.h"

namespace latentlab::test {

inline std::string ganFixtures(const std::string& names) {
  std::string d = tempDir("gan_ts_fixtures");
  auto r = runCommand(std::string(PYTHON_WITH_TORCH) + " " + sourcePath("tools/export/example_models.py") + " " + d +
                      " " + names);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  return d;
}

// add() each reference ("MODEL options" of torchscript_generate.py), run() once, then get(i).
class PytorchImages {
 public:
  size_t add(const std::string& modelAndOptions) {
    m_lines.push_back(modelAndOptions);
    return m_lines.size() - 1;
  }
  void run() {
    m_dir = tempDir("gan_ts_refs");
    std::string jobs;
    for (size_t i = 0; i < m_lines.size(); ++i) {
      std::string model = m_lines[i].substr(0, m_lines[i].find(' '));
      jobs += model + " " + out(i) + m_lines[i].substr(model.size()) + "\n";
    }
    writeText(m_dir + "/jobs.txt", jobs);
    auto r = runCommand(std::string(PYTHON_WITH_TORCH) + " " + sourcePath("tools/reference/torchscript_generate.py") +
                        " --jobs " + m_dir + "/jobs.txt");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  }
  torch::Tensor get(size_t i) const { return npyToTensor(readNpy(out(i))); }

 private:
  std::string out(size_t i) const { return m_dir + "/ref" + std::to_string(i) + ".npy"; }
  std::vector<std::string> m_lines;
  std::string m_dir;
};

inline float maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  REQUIRE((a.sizes() == b.sizes()));
  return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<float>();
}

}  // namespace latentlab::test
