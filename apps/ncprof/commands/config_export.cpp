// ncprof config export --format parca|alloy: the configured services as a
// Parca scrape configuration or a Grafana Alloy pipeline (pyroscope.scrape
// into pyroscope.write), so a team that moves to those servers keeps one
// list of services.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/target_flags.hpp"
#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

namespace {

struct ExportArgs {
  TargetFlags targets;
  std::string format = "parca";
  std::string every = "60s";
  std::string types = "heap,goroutine,cpu";
  std::string write_url = "http://localhost:4040";
  std::string out;
};

struct Address {
  std::string scheme, host_port, prefix;  // prefix: the path before /debug/pprof ("" for the usual)
};

Address split_base(const std::string& base) {
  Address a;
  const auto scheme_end = base.find("://");
  a.scheme = base.substr(0, scheme_end);
  const auto rest = base.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  a.host_port = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (path.size() >= 12 && path.compare(path.size() - 12, 12, "/debug/pprof") == 0) path.resize(path.size() - 12);
  a.prefix = path;
  return a;
}

// A quoted string for YAML and Alloy alike (both take JSON-style escapes).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// An Alloy component label: letters, digits and underscores.
std::string identifier(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "s_" + out;
  return out;
}

// ncprof's capture types as the profile names Parca and Alloy use.
Result<std::vector<std::string>> profile_names(const std::string& types) {
  static const std::map<std::string, std::string> names = {{"heap", "memory"}, {"allocs", "memory"},
                                                           {"cpu", "process_cpu"}, {"goroutine", "goroutine"},
                                                           {"block", "block"}, {"mutex", "mutex"}};
  std::vector<std::string> out;
  for (const auto& t : util::split_commas(types)) {
    auto it = names.find(t);
    if (it == names.end()) {
      return fail(ErrorKind::usage, fmt::format("--types: '{}' has no Parca/Alloy profile (heap, allocs, cpu, goroutine, "
                                                "block, mutex)", t));
    }
    if (std::find(out.begin(), out.end(), it->second) == out.end()) out.push_back(it->second);
  }
  if (out.empty()) return fail(ErrorKind::usage, "--types names no profile type");
  return out;
}

std::string parca(const std::vector<targets::Service>& services, const std::vector<std::string>& profiles,
                  const std::string& every, const std::string& source) {
  std::string out = fmt::format(
      "# Parca scrape configuration for the services of {} (ncprof config export --format parca).\n"
      "# Put these under scrape_configs: in parca.yaml.\nscrape_configs:\n",
      source);
  static const std::vector<std::string> all = {"memory", "process_cpu", "goroutine", "block", "mutex"};
  for (const auto& s : services) {
    const Address a = split_base(s.pprof_base);
    out += fmt::format("  - job_name: {}\n    scrape_interval: {}\n    scheme: {}\n    static_configs:\n"
                       "      - targets: [{}]\n        labels:\n          service: {}\n",
                       quoted(s.name), quoted(every), quoted(a.scheme), quoted(a.host_port), quoted(s.name));
    for (const auto& [k, v] : s.labels) out += fmt::format("          {}: {}\n", quoted(k), quoted(v));
    out += "    profiling_config:\n";
    if (!a.prefix.empty()) out += fmt::format("      path_prefix: {}\n", quoted(a.prefix));
    out += "      pprof_config:\n";
    for (const auto& p : all) {
      const bool on = std::find(profiles.begin(), profiles.end(), p) != profiles.end();
      out += fmt::format("        {}:\n          enabled: {}\n", p, on ? "true" : "false");
    }
  }
  return out;
}

std::string alloy(const std::vector<targets::Service>& services, const std::vector<std::string>& profiles,
                  const std::string& every, const std::string& write_url, const std::string& source) {
  std::string out = fmt::format(
      "// Grafana Alloy pipeline for the services of {} (ncprof config export --format alloy):\n"
      "// each service scraped by pyroscope.scrape, written to Pyroscope by pyroscope.write.\n"
      "pyroscope.write \"ncprof\" {{\n  endpoint {{\n    url = {}\n  }}\n}}\n",
      source, quoted(write_url));
  static const std::vector<std::string> all = {"memory", "process_cpu", "goroutine", "block", "mutex"};
  for (const auto& s : services) {
    const Address a = split_base(s.pprof_base);
    std::string target = fmt::format("{{\"__address__\" = {}, \"service_name\" = {}", quoted(a.host_port), quoted(s.name));
    for (const auto& [k, v] : s.labels) target += fmt::format(", {} = {}", quoted(k), quoted(v));
    target += "}";
    out += fmt::format("\npyroscope.scrape {} {{\n  targets         = [{}]\n  forward_to      = "
                       "[pyroscope.write.ncprof.receiver]\n  scrape_interval = {}\n  scheme          = {}\n\n"
                       "  profiling_config {{\n",
                       quoted(identifier(s.name)), target, quoted(every), quoted(a.scheme));
    if (!a.prefix.empty()) out += fmt::format("    path_prefix = {}\n", quoted(a.prefix));
    for (const auto& p : all) {
      const bool on = std::find(profiles.begin(), profiles.end(), p) != profiles.end();
      out += fmt::format("    profile.{} {{\n      enabled = {}\n    }}\n", p, on ? "true" : "false");
    }
    out += "  }\n}\n";
  }
  return out;
}

int run_export(const ExportArgs& args) {
  auto every = util::parse_duration(args.every);
  if (!every || every->count() <= 0) return report_usage(fmt::format("--every '{}' is not a duration (60s, 5m)", args.every));
  const std::string interval = fmt::format("{}s", std::max<std::int64_t>(1, every->count() / 1000));
  auto profiles = profile_names(args.types);
  if (!profiles) return report_error(profiles.error());
  auto reg = targets::load_registry(args.targets.config, args.targets.host);
  if (!reg) return report_error(reg.error());
  std::vector<targets::Service> services = reg->services;
  if (!args.targets.targets.empty()) {
    auto named = args.targets.resolve();
    if (!named) return report_error(named.error());
    services = *named;
  }
  const std::string text = args.format == "alloy" ? alloy(services, *profiles, interval, args.write_url, reg->source)
                                                  : parca(services, *profiles, interval, reg->source);
  return print_or_write(text, args.out);
}

}  // namespace

void add_config_command(CLI::App& app, Dispatch& dispatch, const GlobalOptions&) {
  auto* cmd = app.add_subcommand("config", "The configured services for other tools: ncprof config export");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ExportArgs>();
  auto* exp = cmd->add_subcommand("export", "Print the services as a Parca scrape config or a Grafana Alloy pipeline");
  exp->footer("Examples:\n  ncprof config export --format parca >> parca.yaml\n"
              "  ncprof config export --format alloy --write-url http://pyroscope:4040 -o ncprof.alloy");
  args->targets.add_to(*exp);
  exp->add_option("--format", args->format, "parca or alloy")->check(format_choice({"parca", "alloy"}))
      ->capture_default_str();
  exp->add_option("--every", args->every, "Scrape interval")->capture_default_str();
  exp->add_option("--types", args->types, "Profile types to scrape (heap, allocs, cpu, goroutine, block, mutex)")
      ->capture_default_str();
  exp->add_option("--write-url", args->write_url, "Pyroscope URL the Alloy pipeline writes to")->capture_default_str();
  exp->add_option("-o,--output", args->out, "Write it here (default: stdout)");
  exp->callback([args, &dispatch] { dispatch.run = [args] { return run_export(*args); }; });
}

}  // namespace ncprof::app
