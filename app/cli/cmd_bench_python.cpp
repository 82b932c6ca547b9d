// `latentlab bench`'s side-by-side: runs bench/python_reference.py (the same bundle, the
// same weights, PyTorch eager in Debian's python3-torch) with the same settings and puts
// its figures and the ratios next to the engine's. A missing Python is reported in the
// JSON, never an error: the engine's own figures stand alone.
#include <array>
#include <cstdio>
#include <memory>

#include "app/cli/cmd_bench.h"

namespace latentlab::cli {

namespace {

std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

nlohmann::json runPythonReference(const BenchOptions& o, const std::string& kind) {
  const std::string python = "/usr/bin/python3";  // Debian's python3-torch, not the first python3 on PATH
  const std::string script = std::string(LATENTLAB_SOURCE_DIR) + "/bench/python_reference.py";
  std::string cmd = python + " " + shellQuote(script) + " " + shellQuote(o.model) + " --threads " +
                    std::to_string(o.engine.threads > 0 ? o.engine.threads : 1) + " --repeats " +
                    std::to_string(o.repeats) + " --encode-count " + std::to_string(o.encodeCount) + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return {{"error", "could not start " + python}};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  int rc = pclose(pipe.release());
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (rc != 0 || j.is_discarded() || !j.is_object()) {
    std::string last = out.substr(out.find_last_of('\n', out.size() > 1 ? out.size() - 2 : 0) + 1);
    while (!last.empty() && last.back() == '\n') last.pop_back();
    return {{"error", script + " (" + kind + ") failed: " + (last.empty() ? "no output" : last)}};
  }
  return j;
}

void addPythonRatios(nlohmann::json& engine, const nlohmann::json& py, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (!engine.contains(k) || !py.contains(k) || !py[k].is_number()) continue;
    double e = engine[k].get<double>(), p = py[k].get<double>();
    engine[k + "_python"] = p;
    engine[k + "_python_ratio"] = p / e;
  }
}

}  // namespace latentlab::cli
