// The completions, run by the real shells: bash, zsh and fish offer the
// configured services, and each command's own options and formats.
#include <filesystem>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

using namespace ncprof::test;
namespace fs = std::filesystem;

namespace {

const std::string kSource = NCPROF_SOURCE_DIR;

std::string config_with_services(const std::string& dir) {
  const std::string cfg = dir + "/ncprof.yaml";
  write_file(cfg, "replace: true\nservices:\n  alpha:\n    pprof: 127.0.0.1:1\n  beta-svc:\n    pprof: 127.0.0.1:2\n");
  return cfg;
}

// PATH with the built ncprof first, as an installed one would be.
std::map<std::string, std::string> path_env() {
  return {{"PATH", fs::path(ncprof_bin()).parent_path().string() + ":/usr/bin:/bin"}};
}

std::string bash_complete(const std::string& words, int cword) {
  auto r = run({"bash", "--norc", "-c",
                "source '" + kSource + "/completions/ncprof.bash'; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                    std::to_string(cword) + "; _ncprof; printf '%s\\n' \"${COMPREPLY[@]}\""},
               path_env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string fish_complete(const std::string& line) {
  auto r = run({"fish", "--no-config", "-c",
                "source '" + kSource + "/completions/ncprof.fish'; complete -C '" + line + "'"},
               path_env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// zsh: the real file, parsed and run by zsh, with the completion system's
// builtins replaced by ones that print what they were given.
std::string zsh_complete(const std::string& words, int current) {
  auto r = run({"zsh", "-f", "-c",
                "_arguments() { print -rl -- \"$@\" }; _describe() { print -rl -- ${(P)2} }; _files() { : }; "
                "source '" + kSource + "/completions/_ncprof'; words=(" + words + "); CURRENT=" +
                    std::to_string(current) + "; _ncprof"},
               path_env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

bool has_line(const std::string& out, const std::string& word) {
  return ("\n" + out).find("\n" + word + "\n") != std::string::npos ||
         ("\n" + out).find("\n" + word + "\t") != std::string::npos;
}

}  // namespace

TEST_CASE("bash completion: configured services, each command's formats", "[completions]") {
  const std::string cfg = config_with_services(temp_dir("ncprof-comp"));
  auto services = bash_complete("ncprof capture --config " + cfg + " ''", 4);
  CHECK(has_line(services, "alpha"));
  CHECK(has_line(services, "beta-svc"));
  CHECK(!has_line(services, "crawler"));  // replace: true
  CHECK(has_line(bash_complete("ncprof capture --ty", 2), "--type"));
  CHECK(has_line(bash_complete("ncprof benchstat --format ''", 3), "csv"));
  CHECK(!has_line(bash_complete("ncprof top --format ''", 3), "csv"));
  CHECK(!has_line(bash_complete("ncprof diff --", 2), "--base"));
  CHECK(has_line(bash_complete("ncprof compare-heap --", 2), "--all"));
  CHECK(has_line(bash_complete("ncprof compare-heap --", 2), "--fail-rate"));
}

TEST_CASE("fish completion: configured services, each command's formats", "[completions]") {
  const std::string cfg = config_with_services(temp_dir("ncprof-comp"));
  auto services = fish_complete("ncprof health --config " + cfg + " ");
  CHECK(has_line(services, "alpha"));
  CHECK(!has_line(services, "crawler"));
  CHECK(fish_complete("ncprof capture --ty").find("--type") != std::string::npos);
  CHECK(has_line(fish_complete("ncprof benchstat --format "), "csv"));
  CHECK(!has_line(fish_complete("ncprof top --format "), "csv"));
  CHECK(fish_complete("ncprof diff --").find("--base\t") == std::string::npos);
}

TEST_CASE("zsh completion: commands, configured services, each command's options", "[completions]") {
  const std::string cfg = config_with_services(temp_dir("ncprof-comp"));
  auto commands = zsh_complete("ncprof ''", 2);
  CHECK(commands.find("capture:") != std::string::npos);
  CHECK(commands.find("leak-check:") != std::string::npos);
  auto capture = zsh_complete("ncprof capture --config " + cfg + " ''", 5);
  CHECK(capture.find("*:target:(alpha beta-svc)") != std::string::npos);
  CHECK(capture.find("--type") != std::string::npos);
  CHECK(zsh_complete("ncprof benchstat ''", 3).find("(text csv json)") != std::string::npos);
  CHECK(zsh_complete("ncprof compare-heap ''", 3).find("--fail-rate") != std::string::npos);
  CHECK(zsh_complete("ncprof diff ''", 3).find("--base[") == std::string::npos);
}
