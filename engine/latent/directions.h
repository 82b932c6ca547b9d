// Attribute directions in latent space (issue 10, "sliders"): where they come from (class
// means, PCA of the encoded data, SeFa of the first linear layer, a linear classifier between
// two groups of points, a file), how a slider moves a latent (value x sigma along the unit
// vector), orthogonalising one against others, saving a slider edit as a new direction, and
// strict JSON files. Torch-free header for the app; torch only inside the .cpp files. Never
// decodes anything and never touches GL/ImGui.
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/explore/explorer.h"

namespace latentlab {

struct Direction {
  std::string name;    // the name that makes it again: "class:Sneaker->Ankle boot", "pca:0", "sefa:0"
  std::string source;  // the registry entry: class | pca | sefa | groups | file | edit
  std::string label;   // for a slider: "Sneaker -> Ankle boot (2.9 sigma apart)", "PC 1: 23.1% of variance"
  std::string model;   // the model folder it was made for ("" = any)
  std::string units = "sigma";  // what one slider unit is (sigma names the spread it measures)
  double sigma = 1.0;  // latent distance of one slider unit
  double score = 0.0;  // pca: variance share; sefa: eigenvalue; groups: training accuracy; class: means apart in sigma
  std::vector<float> vector;  // unit vector, latentDim values
};

// --- sources (each also an entry of directionSources()) ---
// Unit vector from the mean of class `from` to that of class `to` in the set's latents;
// sigma = pooled standard deviation of the two classes' projections on it. Named
// "class:FROM->TO" with the set's class names. BadInput for an empty or unknown class.
Direction classDirection(const LatentSet& set, int fromClass, int toClass);
// The k leading principal directions of the set (GANSpace), unit vectors in decreasing
// variance, score = share of the total variance, sigma = standard deviation along it. The
// sign makes the largest-magnitude component positive. Named "pca:I".
std::vector<Direction> pcaDirections(const LatentSet& set, int k);
// SeFa: eigenvectors of W^T W of the first linear layer on the latent (W: outputs x latent),
// by decreasing eigenvalue (score); sigma = 1 (the prior's standard deviation along any unit
// vector). Named "sefa:I".
std::vector<Direction> sefaDirections(const WeightMatrix& w, int k);
// InterFaceGAN: the normal of an L2-regularised logistic regression separating the latents of
// rows `groupA` (label 0) from `groupB` (label 1), pointing from A to B; score = its training
// accuracy; sigma = pooled standard deviation of the groups' projections. Named "groups:A->B".
Direction groupDirection(const LatentSet& set, const std::vector<int64_t>& groupA, const std::vector<int64_t>& groupB,
                         const std::string& nameA = "A", const std::string& nameB = "B");

// --- editing ---
// `d` minus its projection onto the span of `others` (least squares, so the others need not
// be orthogonal), made unit length again; moving along the result leaves every other
// direction's coordinate (dot product with its vector) unchanged. Keeps d's sigma. BadInput
// when d lies in that span.
Direction orthogonalized(const Direction& d, const std::vector<Direction>& others);
// base + sum_i values[i] * sigma_i * vector_i (values in sigma units).
std::vector<float> applySliders(const std::vector<float>& base, const std::vector<Direction>& dirs,
                                const std::vector<double>& values);
// The summed slider edit as one direction: unit vector along it, sigma = its length (so its
// slider at 1 repeats the edit). BadInput when the edit is zero.
Direction editAsDirection(const std::vector<Direction>& dirs, const std::vector<double>& values,
                          const std::string& name);
// Same as applySliders for one direction at each of `steps` values from..to: steps x dim.
std::vector<float> traverseDirection(const std::vector<float>& base, const Direction& d, double from, double to,
                                     int steps);

// --- files: {"format": "latentlab-directions/1", "directions": [{...}, ...]} ---
nlohmann::json directionToJson(const Direction& d);
// Strict: every field named in the error ("FILE: directions[1].sigma must be a positive number").
Direction directionFromJson(const nlohmann::json& j, const std::string& where);
void saveDirections(const std::string& path, const std::vector<Direction>& dirs);  // atomic
// expectedDim > 0: every vector must have that many values (BadInput naming the file otherwise).
std::vector<Direction> loadDirections(const std::string& path, int expectedDim = 0);

// --- the registry of sources, by name ---
struct DirectionRequest {
  const LatentSet* latents = nullptr;  // encoded data (a GAN: its prior set); class, pca, groups
  ExploreModel* model = nullptr;       // sefa; the dimension check of files
  std::string argument;                // after "source:": "Sneaker->Ankle boot", "0", a file path
  std::vector<int64_t> groupA, groupB; // groups
  std::string nameA = "A", nameB = "B";
};
struct DirectionSource {
  std::string name;         // "class"
  std::string description;  // one line for the picker's tooltip
  std::string example;      // "class:Sneaker->Ankle boot"
  bool needsLatents = false, needsModel = false;
  // The directions named by req.argument (a file may hold several). BadInput naming the spec.
  std::function<std::vector<Direction>(const DirectionRequest& req)> make;
  // The names this source offers for the request's model and data (for a picker); a file
  // source offers none.
  std::function<std::vector<std::string>(const DirectionRequest& req)> names;
};
const std::vector<DirectionSource>& directionSources();
const DirectionSource* findDirectionSource(const std::string& name);
// "class:A->B" (class names or indices), "pca:I", "sefa:I", "groups", "file:PATH", or a
// path ending in .json: the directions it names. BadInput for an unknown source or a bad spec.
std::vector<Direction> resolveDirections(const std::string& spec, DirectionRequest req);

}  // namespace latentlab
