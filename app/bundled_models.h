// Finding the bundled models (assets/models/<name>) next to the binary or in the source tree,
// and which of them the window can open (the model picker lists only those).
#pragma once
#include <string>
#include <vector>

namespace latentlab {

// The folder of bundled model `name`; when none exists, the source-tree path (so the error
// message names a sensible place).
std::string findBundledModel(const std::string& name);
// Folders of the bundled models the GUI can open (guiOpensKind of their manifest's kind),
// sorted; a bundle whose model.json cannot be read is left out.
std::vector<std::string> listBundledModels();
// Kinds the window opens: autoencoders (the map) and diffusion models (the Diffusion panel);
// not e.g. the classifier, an evaluation tool for the CLI.
bool guiOpensKind(const std::string& kind);

}  // namespace latentlab
