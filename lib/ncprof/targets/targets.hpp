#pragma once
// Services ncprof knows: North Cloud's built-in seven, replaced or extended
// by a YAML config file, and targets named on the command line.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ncprof/util/error.hpp"

namespace ncprof::targets {

struct Service {
  std::string name;
  std::string pprof_base;  // http://host:port/debug/pprof (no trailing slash)
  std::string health_url;  // empty: none configured
  // No health URL is known: try the pprof address's /health/memory (the
  // guide curls it there too). Off when the config says `health: none`.
  bool health_probe = true;
  std::string bench_dir;   // empty: none configured
  std::map<std::string, std::string> labels;
  // Header values as written (may name environment variables); resolved
  // only when a request is made, never printed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string headers_where;  // "file:line" of the headers in the config, for errors
  bool builtin = false;
};

struct Registry {
  std::vector<Service> services;  // in configuration order
  std::string source;             // the config file, or "built-in defaults"

  const Service* find(const std::string& name) const;
  std::string names() const;  // "crawler, source-manager, ..."
};

// North Cloud's services on `host` (pprof 6060-6066, app ports for health).
Registry builtin_registry(const std::string& host = "localhost");

// Where the config comes from: --config, then NCPROF_CONFIG, then
// ./ncprof.yaml, then $XDG_CONFIG_HOME/ncprof/config.yaml (or
// ~/.config/ncprof/config.yaml). An explicit file must exist.
std::optional<std::string> find_config_file(const std::string& explicit_path);

// Loads the registry: built-in services adjusted by the config file (if
// any) and by --host. Errors name the file, line and key.
Result<Registry> load_registry(const std::string& explicit_config, const std::string& host_override);

// Parses config text (`path` names it in errors).
Result<Registry> parse_config(const std::string& text, const std::string& path, const std::string& host_override);

// "host:port", "http://h:p[/debug/pprof]" -> the pprof base URL.
Result<std::string> pprof_base_from(const std::string& spec);

// Resolves command-line targets: service names, NAME PORT pairs, host:port
// or URLs; `all` adds every configured service.
Result<std::vector<Service>> resolve_targets(const Registry& reg, const std::vector<std::string>& args, bool all);

// Whether a command-line argument names a file rather than a service:
// "-", "./crawler", anything with a '/', or a profile's extension
// (.pb.gz, .pprof, .pb, .gz, .prof, .txt, .trace). A bare word is a service
// name first, even when a file of that name exists.
bool looks_like_path(const std::string& arg);

// Whether a command-line source is read as a file: it looks like a path,
// or it is an existing regular file that is neither a configured service
// nor a host:port. A configured service wins over a file of its name.
bool names_file(const Registry& reg, const std::string& arg);

// Header values with environment variables expanded.
Result<std::vector<std::pair<std::string, std::string>>> resolve_headers(const Service& s);

}  // namespace ncprof::targets
