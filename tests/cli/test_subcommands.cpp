// The command line's front door: a word that is not a subcommand is a usage error naming
// the word and listing the choices (never parsed as GUI options), typos get a suggestion,
// options alone go to the window's parser, and every command answers --help.
#include <doctest/doctest.h>

#include <algorithm>

#include "test_support.h"

namespace t = latentlab::test;

namespace {
int lineCount(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("an unknown first word is a usage error that names it and lists the subcommands") {
  for (std::string word : {"bogus", "rendr", "model.json", "help"}) {
    CAPTURE(word);
    auto r = t::runLatentlab(word + " --model " + t::sourcePath("assets/models/fashion-vae-16"));
    CHECK(r.exitCode == 2);
    CHECK(lineCount(r.err) == 1);
    CHECK(has(r.err, "unknown subcommand \"" + word + "\""));
    for (const char* sub : {"info", "render", "encode", "train", "eval", "bench"}) CHECK(has(r.err, sub));
    CHECK(r.out.empty());
  }
  // A typo gets the nearest subcommand; a word far from all of them gets none.
  CHECK(has(t::runLatentlab("rendr").err, "did you mean \"render\"?"));
  CHECK(has(t::runLatentlab("trian vae").err, "did you mean \"train\"?"));
  CHECK_FALSE(has(t::runLatentlab("bogus").err, "did you mean"));
}

TEST_CASE("a folder or session file given as the first word gets the option that opens it") {
  std::string model = t::sourcePath("assets/models/fashion-vae-16");
  auto r = t::runLatentlab(model);
  CHECK(r.exitCode == 2);
  CHECK(lineCount(r.err) == 1);
  CHECK(has(r.err, "latentlab --model " + model));
  std::string session = t::tempDir("session") + "/s.json";
  t::writeText(session, "{}");
  auto s = t::runLatentlab(session);
  CHECK(s.exitCode == 2);
  CHECK(has(s.err, "latentlab --session " + session));
}

TEST_CASE("an unknown command inside a group names the group's commands") {
  auto r = t::runLatentlab("train bogus -o x");
  CHECK(r.exitCode == 2);
  CHECK(lineCount(r.err) == 1);
  CHECK(has(r.err, "unknown train command \"bogus\""));
  for (const char* kind : {"vae", "diffusion", "classifier"}) CHECK(has(r.err, kind));

  auto g = t::runLatentlab("render");
  CHECK(g.exitCode == 2);
  CHECK(has(g.err, "render: a command is required"));
  CHECK(has(g.err, "recon"));
}

TEST_CASE("options without a subcommand go to the window's parser") {
  auto help = t::runLatentlab("--help");
  CHECK(help.exitCode == 0);
  CHECK(has(help.out, "--screenshot"));  // the GUI's options
  CHECK(has(help.out, "Subcommands run without a window: info, render"));
  auto bad = t::runLatentlab("--no-such-option");
  CHECK(bad.exitCode == 2);
  CHECK(has(bad.err, "--no-such-option"));
  CHECK_FALSE(has(bad.err, "unknown subcommand"));
}

TEST_CASE("every group and command answers --help with its one-line help") {
  struct Case {
    std::string words, help;
  };
  // Spot checks through the real binary; test_subcommand_table loops over the whole table.
  for (const Case& c : {Case{"render", "Render images with a model"}, Case{"render denoise", "Sample with a diffusion"},
                        Case{"train vae", "Train the convolutional VAE"}, Case{"info", "Describe a model bundle"}}) {
    CAPTURE(c.words);
    auto r = t::runLatentlab(c.words + " --help");
    CHECK(r.exitCode == 0);
    CHECK(has(r.out, c.help));
    CHECK(has(r.out, "Usage: latentlab " + c.words));
  }
}
