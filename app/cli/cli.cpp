#include "app/cli/cli.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

std::string parentOf(const std::string& path) {
  auto p = path.rfind(' ');
  return p == std::string::npos ? std::string() : path.substr(0, p);
}

std::string leafOf(const std::string& path) { return path.substr(path.rfind(' ') + 1); }

const cli::Subcommand* find(const std::string& path) {
  for (const auto& s : cli::subcommands())
    if (path == s.path) return &s;
  return nullptr;
}

std::vector<std::string> childrenOf(const std::string& group) {
  std::vector<std::string> out;
  for (const auto& s : cli::subcommands())
    if (parentOf(s.path) == group) out.push_back(leafOf(s.path));
  return out;
}

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The closest candidate within two edits (a typo), or "".
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t bestD = 3;
  for (const auto& c : candidates) {
    size_t d = editDistance(word, c);
    if (d < bestD && d < c.size()) best = c, bestD = d;
  }
  return best;
}

// Walks the command words of argv through the table before CLI11 sees them, so that an
// unknown word is named with the choices (CLI11 would only say "arguments not expected").
// Returns "" when the words are fine, else the one-line error.
std::string checkCommandWords(int argc, char** argv) {
  std::string group;
  for (int i = 1;; ++i) {
    auto kids = childrenOf(group);
    std::string list = subcommandNames(group);
    if (i >= argc)
      return group.empty() ? std::string()
                           : group + ": a command is required: " + list + " (see latentlab " + group + " --help)";
    std::string w = argv[i];
    if (!w.empty() && w[0] == '-') return {};
    if (std::find(kids.begin(), kids.end(), w) == kids.end()) {
      std::string hint = didYouMean(w, kids);
      std::string what = group.empty() ? "subcommand" : group + " command";
      std::string msg = "unknown " + what + " \"" + w + "\"" + (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)");
      if (group.empty()) {
        // A path given as the first word (e.g. a folder dropped on the program) gets the
        // option that opens it.
        std::error_code ec;
        if (std::filesystem::is_directory(w, ec)) return msg + "; to open this model in the window: latentlab --model " + w;
        if (std::filesystem::is_regular_file(w, ec) && w.size() > 5 && w.substr(w.size() - 5) == ".json")
          return msg + "; to open this session in the window: latentlab --session " + w;
        return msg + "; subcommands are " + list + ", or give only options to open the window (see latentlab --help)";
      }
      return msg + "; " + group + " commands are " + list + " (see latentlab " + group + " --help)";
    }
    std::string path = group.empty() ? w : group + " " + w;
    if (find(path)->add) return {};
    group = path;
  }
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

std::string subcommandNames(const std::string& group) {
  std::string out;
  for (const auto& c : childrenOf(group)) out += (out.empty() ? "" : ", ") + c;
  return out;
}

int runCli(int argc, char** argv) {
  if (argc < 2 || (argv[1][0] == '-')) return -1;
  std::string wordError = checkCommandWords(argc, argv);
  if (!wordError.empty()) {
    std::cerr << "latentlab: " << wordError << "\n";
    return 2;
  }
  CLI::App app{"LatentLab: explore generative models", "latentlab"};
  app.require_subcommand(1);
  cli::Action action;
  std::map<std::string, CLI::App*> nodes{{"", &app}};
  for (const auto& s : cli::subcommands()) {
    CLI::App* cmd = nodes.at(parentOf(s.path))->add_subcommand(leafOf(s.path), s.help);  // groups come first
    nodes[s.path] = cmd;
    if (s.add) s.add(*cmd, action);
    else cmd->require_subcommand(1);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "latentlab: " << e.what() << " (see --help)\n";
    return 2;
  }
  try {
    return action ? action() : 2;
  } catch (const UsageError& e) {
    std::cerr << "latentlab: " << e.what() << "\n";
    return 2;
  } catch (const BadInput& e) {
    std::cerr << "latentlab: " << e.what() << "\n";
    return 3;
  } catch (const c10::Error& e) {
    std::cerr << "latentlab: " << firstLine(e.what_without_backtrace()) << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "latentlab: " << firstLine(e.what()) << "\n";
    return 3;
  }
}

}  // namespace latentlab
