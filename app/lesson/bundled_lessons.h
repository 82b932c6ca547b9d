// Finding the bundled lessons (assets/lessons/*.json) next to the binary or in the source tree,
// as bundled models are found (app/bundled_models.h). Reads folder listings only.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

// Paths of the bundled lesson files, sorted by name ("01-latent-space.json" first).
std::vector<std::string> listBundledLessons();
// A menu label from a lesson file's name: "01-latent-space.json" -> "01 latent space".
std::string lessonMenuName(const std::string& path);

}  // namespace latentlab
