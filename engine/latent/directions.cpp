// Direction sources that need linear algebra: class means, PCA, SeFa, logistic regression
// between two groups (torch inside, double precision). See directions.h.
#include "engine/latent/directions.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "engine/util/errors.h"

namespace latentlab {

namespace {

torch::Tensor rowsOf(const LatentSet& set, const std::vector<int64_t>& rows) {
  auto out = torch::empty({int64_t(rows.size()), int64_t(set.dim)}, torch::kFloat64);
  auto a = out.accessor<double, 2>();
  for (size_t r = 0; r < rows.size(); ++r) {
    const float* z = set.row(rows[r]);
    for (int c = 0; c < set.dim; ++c) a[int64_t(r)][c] = z[c];
  }
  return out;
}

torch::Tensor allRows(const LatentSet& set) {
  return torch::from_blob(const_cast<float*>(set.z.data()), {set.count, int64_t(set.dim)}, torch::kFloat32)
      .to(torch::kFloat64);
}

std::vector<float> toFloats(const torch::Tensor& v) {
  auto c = v.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

std::string className(const LatentSet& set, int c) {
  return c >= 0 && size_t(c) < set.classNames.size() ? set.classNames[size_t(c)] : std::to_string(c);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void checkSet(const LatentSet& set, const char* what) {
  if (set.dim <= 0 || set.count <= 0 || set.z.size() != size_t(set.count) * size_t(set.dim))
    throw BadInput(std::string(what) + ": no encoded latents (encode a data set first)");
}

// Pooled standard deviation of two groups' projections on unit vector u (n_a + n_b - 2 dof).
double pooledSigma(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& u) {
  auto pa = a.matmul(u), pb = b.matmul(u);
  double ss = (pa - pa.mean()).pow(2).sum().item<double>() + (pb - pb.mean()).pow(2).sum().item<double>();
  int64_t dof = a.size(0) + b.size(0) - 2;
  return dof > 0 ? std::sqrt(ss / double(dof)) : 0.0;
}

// Flips v so that its largest-magnitude component is positive: a stable sign for PCA/SeFa.
torch::Tensor canonicalSign(torch::Tensor v) {
  auto i = v.abs().argmax().item<int64_t>();
  return v[i].item<double>() < 0 ? -v : v;
}

}  // namespace

Direction classDirection(const LatentSet& set, int fromClass, int toClass) {
  checkSet(set, "class direction");
  if (fromClass == toClass) throw BadInput("class direction: the two classes are the same (" + className(set, fromClass) + ")");
  std::vector<int64_t> ra, rb;
  for (int64_t i = 0; i < set.count && i < int64_t(set.labels.size()); ++i) {
    if (set.labels[size_t(i)] == fromClass) ra.push_back(i);
    if (set.labels[size_t(i)] == toClass) rb.push_back(i);
  }
  for (auto [c, rows] : {std::pair<int, size_t>{fromClass, ra.size()}, {toClass, rb.size()}})
    if (rows == 0)
      throw BadInput("class direction: class \"" + className(set, c) + "\" has no points in " + set.dataSpec);
  auto a = rowsOf(set, ra), b = rowsOf(set, rb);
  auto v = b.mean(0) - a.mean(0);
  double length = v.norm().item<double>();
  if (length < 1e-12) throw BadInput("class direction: the two class means coincide");
  auto u = v / length;
  double sigma = pooledSigma(a, b, u);
  if (!(sigma > 1e-12)) sigma = length;  // one point per class: the distance itself is the unit
  Direction d;
  d.source = "class";
  d.name = "class:" + className(set, fromClass) + "->" + className(set, toClass);
  d.score = length / sigma;
  d.label = className(set, fromClass) + " -> " + className(set, toClass) + " (means " + fmt("%.1f", d.score) +
            " sigma apart)";
  d.model = set.modelDir;
  d.units = "pooled sigma";
  d.sigma = sigma;
  d.vector = toFloats(u);
  return d;
}

std::vector<Direction> pcaDirections(const LatentSet& set, int k) {
  checkSet(set, "PCA directions");
  if (set.count < 2) throw BadInput("PCA directions need at least 2 latents");
  if (k < 1 || k > set.dim) throw BadInput("PCA directions: k must be 1.." + std::to_string(set.dim));
  auto x = allRows(set);
  x = x - x.mean(0);
  auto cov = x.t().matmul(x) / double(set.count - 1);
  auto [values, vectors] = torch::linalg_eigh(cov, "L");  // ascending
  double total = values.clamp_min(0).sum().item<double>();
  std::vector<Direction> out;
  for (int i = 0; i < k; ++i) {
    int64_t col = set.dim - 1 - i;
    double var = std::max(0.0, values[col].item<double>());
    Direction d;
    d.source = "pca";
    d.name = "pca:" + std::to_string(i);
    d.score = total > 0 ? var / total : 0.0;
    d.label = "PC " + std::to_string(i + 1) + ": " + fmt("%.1f", 100 * d.score) + "% of variance";
    d.model = set.modelDir;
    d.units = "data sigma";
    d.sigma = var > 0 ? std::sqrt(var) : 1.0;
    d.vector = toFloats(canonicalSign(vectors.select(1, col)));
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Direction> sefaDirections(const WeightMatrix& w, int k) {
  if (w.rows <= 0 || w.cols <= 0 || w.values.size() != size_t(w.rows) * size_t(w.cols))
    throw BadInput("SeFa: the weight matrix is empty or malformed");
  if (k < 1 || k > w.cols) throw BadInput("SeFa directions: k must be 1.." + std::to_string(w.cols));
  auto W = torch::from_blob(const_cast<float*>(w.values.data()), {w.rows, w.cols}, torch::kFloat32).to(torch::kFloat64);
  auto [values, vectors] = torch::linalg_eigh(W.t().matmul(W), "L");
  std::vector<Direction> out;
  for (int i = 0; i < k; ++i) {
    int64_t col = w.cols - 1 - i;
    Direction d;
    d.source = "sefa";
    d.name = "sefa:" + std::to_string(i);
    d.score = values[col].item<double>();
    d.label = "SeFa " + std::to_string(i + 1) + ": eigenvalue " + fmt("%.3g", d.score);
    d.units = "prior sigma";
    d.sigma = 1.0;
    d.vector = toFloats(canonicalSign(vectors.select(1, col)));
    out.push_back(std::move(d));
  }
  return out;
}

Direction groupDirection(const LatentSet& set, const std::vector<int64_t>& groupA, const std::vector<int64_t>& groupB,
                         const std::string& nameA, const std::string& nameB) {
  checkSet(set, "group direction");
  if (groupA.empty() || groupB.empty()) throw BadInput("group direction: both groups need at least one point");
  std::set<int64_t> seen;
  for (auto* g : {&groupA, &groupB})
    for (int64_t i : *g) {
      if (i < 0 || i >= set.count)
        throw BadInput("group direction: point " + std::to_string(i) + " is not in the data (0.." +
                       std::to_string(set.count - 1) + ")");
      if (g == &groupA) seen.insert(i);
      else if (seen.count(i)) throw BadInput("group direction: point " + std::to_string(i) + " is in both groups");
    }
  auto a = rowsOf(set, groupA), b = rowsOf(set, groupB);
  auto x = torch::cat({a, b});
  const int64_t n = x.size(0), d = x.size(1);
  auto y = torch::cat({torch::zeros({a.size(0)}, torch::kFloat64), torch::ones({b.size(0)}, torch::kFloat64)});
  // Standardised features + a bias column; ridge on the weights only keeps separable groups finite.
  auto mu = x.mean(0), sd = x.std(0, false).clamp_min(1e-8);
  auto xs = torch::cat({(x - mu) / sd, torch::ones({n, 1}, torch::kFloat64)}, 1);
  auto ridge = torch::eye(d + 1, torch::kFloat64) * 1e-2;
  ridge[d][d] = 1e-9;
  auto w = torch::zeros({d + 1}, torch::kFloat64);
  for (int it = 0; it < 50; ++it) {  // Newton's method (IRLS)
    auto p = torch::sigmoid(xs.matmul(w));
    auto g = xs.t().matmul(p - y) + ridge.matmul(w);
    auto h = xs.t().matmul(xs * (p * (1 - p)).unsqueeze(1)) + ridge;
    auto step = torch::linalg_solve(h, g);
    w = w - step;
    if (step.abs().max().item<double>() < 1e-10) break;
  }
  double accuracy = ((xs.matmul(w) > 0).to(torch::kFloat64) == y).to(torch::kFloat64).mean().item<double>();
  auto normal = w.slice(0, 0, d) / sd;  // back to latent coordinates: the hyperplane's normal
  double len = normal.norm().item<double>();
  if (!(len > 1e-12)) throw BadInput("group direction: the two groups cannot be told apart by a linear classifier");
  auto u = normal / len;
  Direction out;
  out.source = "groups";
  out.name = "groups:" + nameA + "->" + nameB;
  out.score = accuracy;
  out.sigma = pooledSigma(a, b, u);
  if (!(out.sigma > 1e-12)) out.sigma = 1.0;
  out.label = nameA + " -> " + nameB + " (classifier accuracy " + fmt("%.1f", 100 * accuracy) + "%)";
  out.model = set.modelDir;
  out.units = "pooled sigma";
  out.vector = toFloats(u);
  return out;
}

}  // namespace latentlab
