// Slider arithmetic on directions: apply in sigma units, orthogonalise, save an edit as a
// direction, traverse. Plain double math, no torch (the app calls it per frame).
#include <cmath>
#include <cstdio>

#include "engine/latent/directions.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
std::vector<double> toDouble(const std::vector<float>& v) { return {v.begin(), v.end()}; }
void checkDim(const Direction& d, size_t dim, const char* what) {
  if (d.vector.size() != dim)
    throw BadInput(std::string(what) + ": direction \"" + d.name + "\" has " + std::to_string(d.vector.size()) +
                   " values, the latent " + std::to_string(dim));
}
}  // namespace

Direction orthogonalized(const Direction& d, const std::vector<Direction>& others) {
  const size_t dim = d.vector.size();
  // Orthonormal basis of the others' span (modified Gram-Schmidt, dependent ones skipped), so
  // the result is d minus its least-squares projection on that span.
  std::vector<std::vector<double>> basis;
  for (const auto& o : others) {
    checkDim(o, dim, "orthogonalise");
    auto v = toDouble(o.vector);
    for (int pass = 0; pass < 2; ++pass)  // twice: Gram-Schmidt loses orthogonality once
      for (const auto& q : basis) {
        double c = dot(v, q);
        for (size_t i = 0; i < dim; ++i) v[i] -= c * q[i];
      }
    double n = std::sqrt(dot(v, v));
    if (n < 1e-9) continue;
    for (auto& x : v) x /= n;
    basis.push_back(std::move(v));
  }
  auto v = toDouble(d.vector);
  double before = std::sqrt(dot(v, v));
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& q : basis) {
      double c = dot(v, q);
      for (size_t i = 0; i < dim; ++i) v[i] -= c * q[i];
    }
  double n = std::sqrt(dot(v, v));
  if (!(n > 1e-6 * std::max(before, 1e-12)))
    throw BadInput("orthogonalise: \"" + d.name + "\" lies in the span of the other directions");
  Direction out = d;
  std::string names;
  for (const auto& o : others) names += (names.empty() ? "" : ", ") + o.name;
  out.name = d.name + " orth(" + names + ")";
  out.label = d.label + ", orthogonal to " + names;
  out.vector.resize(dim);
  for (size_t i = 0; i < dim; ++i) out.vector[i] = float(v[i] / n);
  return out;
}

std::vector<float> applySliders(const std::vector<float>& base, const std::vector<Direction>& dirs,
                                const std::vector<double>& values) {
  if (values.size() != dirs.size())
    throw BadInput("sliders: " + std::to_string(dirs.size()) + " directions but " + std::to_string(values.size()) +
                   " values");
  auto z = toDouble(base);
  for (size_t k = 0; k < dirs.size(); ++k) {
    checkDim(dirs[k], base.size(), "sliders");
    double s = values[k] * dirs[k].sigma;
    for (size_t i = 0; i < z.size(); ++i) z[i] += s * dirs[k].vector[i];
  }
  return {z.begin(), z.end()};
}

Direction editAsDirection(const std::vector<Direction>& dirs, const std::vector<double>& values,
                          const std::string& name) {
  if (dirs.empty()) throw BadInput("save edit: no sliders");
  std::vector<float> zero(dirs[0].vector.size(), 0.f);
  auto delta = toDouble(applySliders(zero, dirs, values));
  double n = std::sqrt(dot(delta, delta));
  if (!(n > 1e-12)) throw BadInput("save edit: every slider is at 0, there is no edit to save");
  Direction out;
  out.name = name;
  out.source = "edit";
  std::string parts;
  for (size_t k = 0; k < dirs.size(); ++k)
    if (values[k] != 0) {
      char v[32];
      std::snprintf(v, sizeof v, "%+.2f ", values[k]);
      parts += (parts.empty() ? "" : " ") + std::string(v) + dirs[k].name;
    }
  out.label = name + " = " + parts;
  out.model = dirs[0].model;
  out.units = "edit";
  out.sigma = n;
  out.vector.resize(delta.size());
  for (size_t i = 0; i < delta.size(); ++i) out.vector[i] = float(delta[i] / n);
  return out;
}

std::vector<float> traverseDirection(const std::vector<float>& base, const Direction& d, double from, double to,
                                     int steps) {
  if (steps < 1) throw UsageError("a traversal needs at least 1 step");
  std::vector<float> out;
  out.reserve(size_t(steps) * base.size());
  for (int k = 0; k < steps; ++k) {
    double t = steps == 1 ? from : from + (to - from) * k / (steps - 1);
    auto z = applySliders(base, {d}, {t});
    out.insert(out.end(), z.begin(), z.end());
  }
  return out;
}

}  // namespace latentlab
