// The fuzz build links the parsers without LibTorch. engine/explore/latent_plane.cpp (pulled in
// for the session's plane) hands the PCA of wide latents (over 96 values) to LibTorch's eigh in
// engine/explore/latent_plane_eigh.cpp; no fuzzed parser computes a PCA, so here that call is
// a clear error instead of a missing symbol.
#include "engine/explore/latent_plane.h"
#include "engine/util/errors.h"

namespace latentlab {

LatentPlane pcaPlaneByEigh(const LatentSet&) {
  throw BadInput("the fuzz build has no LibTorch: no PCA of latents over 96 values here");
}

}  // namespace latentlab
