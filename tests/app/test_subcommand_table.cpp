// The one table of CLI subcommands (app/cli/subcommands.cpp): well formed (unique paths,
// groups before their commands, one-line help), and every entry builds and answers --help
// through runCli, so a forgotten registration or a broken one fails here.
#include <doctest/doctest.h>

#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "app/cli/commands.h"

using namespace latentlab;

namespace {

// Runs runCli on the words, returning its exit code and what it printed.
int runWords(const std::string& line, std::string& out, std::string& err) {
  std::vector<std::string> words{"latentlab"};
  std::istringstream is(line);
  for (std::string w; is >> w;) words.push_back(w);
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  std::ostringstream o, e;
  auto* oldOut = std::cout.rdbuf(o.rdbuf());
  auto* oldErr = std::cerr.rdbuf(e.rdbuf());
  int rc = runCli(int(argv.size()), argv.data());
  std::cout.rdbuf(oldOut), std::cerr.rdbuf(oldErr);
  out = o.str(), err = e.str();
  return rc;
}

}  // namespace

TEST_CASE("the subcommand table is well formed") {
  std::set<std::string> seen, groups;
  for (const auto& s : cli::subcommands()) {
    std::string path = s.path, help = s.help;
    CAPTURE(path);
    CHECK(seen.insert(path).second);
    CHECK(!help.empty());
    CHECK(help.find('\n') == std::string::npos);
    auto space = path.rfind(' ');
    if (space != std::string::npos) CHECK(groups.count(path.substr(0, space)) == 1);  // its group came first
    if (!s.add) groups.insert(path);
  }
  for (const auto& g : groups) {
    CAPTURE(g);
    CHECK(!subcommandNames(g).empty());  // a group with no command
  }
  CHECK(subcommandNames() == "info, render, encode, map, project, train, eval, bench, probe, lesson");
}

TEST_CASE("every table entry builds and answers --help with its help line") {
  for (const auto& s : cli::subcommands()) {
    CAPTURE(s.path);
    std::string out, err;
    CHECK(runWords(std::string(s.path) + " --help", out, err) == 0);
    CHECK(out.find(s.help) != std::string::npos);
    CHECK(out.find(std::string("Usage: latentlab ") + s.path) != std::string::npos);
  }
}

TEST_CASE("runCli leaves option-only and empty command lines to the GUI") {
  std::string out, err;
  CHECK(runWords("", out, err) == -1);
  CHECK(runWords("--model somewhere --screenshot x.png", out, err) == -1);
  CHECK(runWords("info-model", out, err) == 2);
  CHECK(err.find("unknown subcommand \"info-model\"") != std::string::npos);
}
