// Every subcommand and flag in --help is in the completions and the README.
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

using namespace ncprof::test;

namespace {

std::string source_file(const std::string& rel) { return read_file(std::string(NCPROF_SOURCE_DIR) + "/" + rel); }

std::set<std::string> long_flags(const std::string& help) {
  std::set<std::string> out;
  std::regex re("--([a-z][a-z-]+)");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), re); it != std::sregex_iterator(); ++it) {
    std::string f = (*it)[1];
    if (f != "help") out.insert(f);
  }
  return out;
}

}  // namespace

TEST_CASE("every subcommand and flag is documented and completed", "[docs]") {
  auto help = run_ncprof({"--help"});
  REQUIRE(help.exit_code == 0);
  std::set<std::string> subcommands;
  std::regex sub_re("\\n  ([a-z-]+) +[A-Z]");
  auto sub_start = help.out.find("Subcommands:");
  REQUIRE(sub_start != std::string::npos);
  std::string subs = help.out.substr(sub_start);
  for (auto it = std::sregex_iterator(subs.begin(), subs.end(), sub_re); it != std::sregex_iterator(); ++it) {
    subcommands.insert((*it)[1]);
  }
  REQUIRE(subcommands.size() >= 5);
  const std::string bash = source_file("completions/ncprof.bash");
  const std::string zsh = source_file("completions/_ncprof");
  const std::string fish = source_file("completions/ncprof.fish");
  const std::string readme = source_file("README.md");
  for (const auto& sub : subcommands) {
    INFO("subcommand " << sub);
    CHECK(bash.find(sub) != std::string::npos);
    CHECK(zsh.find("'" + sub + ":") != std::string::npos);
    CHECK(fish.find("-a " + sub) != std::string::npos);
    CHECK(readme.find("ncprof " + sub) != std::string::npos);
    auto sub_help = run_ncprof({sub, "--help"});
    REQUIRE(sub_help.exit_code == 0);
    for (const auto& flag : long_flags(sub_help.out)) {
      INFO("flag --" << flag);
      CHECK(bash.find("--" + flag) != std::string::npos);
      CHECK(zsh.find("--" + flag) != std::string::npos);
      CHECK(fish.find("-l " + flag) != std::string::npos);
      CHECK(readme.find("--" + flag) != std::string::npos);
    }
  }
}
