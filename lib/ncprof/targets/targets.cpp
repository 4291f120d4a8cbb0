#include "ncprof/targets/targets.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "ncprof/util/files.hpp"
#include "ncprof/util/log.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::targets {

namespace fs = std::filesystem;

const Service* Registry::find(const std::string& name) const {
  for (const auto& s : services) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::string Registry::names() const {
  std::string out;
  for (const auto& s : services) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

Registry builtin_registry(const std::string& host) {
  struct Builtin {
    const char* name;
    int pprof;
    int app;
  };
  static const Builtin table[] = {{"crawler", 6060, 8060},        {"source-manager", 6061, 8050},
                                  {"classifier", 6062, 8071},     {"publisher-api", 6063, 8070},
                                  {"publisher-router", 6064, 0}, {"auth", 6065, 8040},
                                  {"search", 6066, 8092}};
  Registry reg;
  reg.source = "built-in defaults";
  for (const auto& b : table) {
    Service s;
    s.name = b.name;
    s.pprof_base = fmt::format("http://{}:{}/debug/pprof", host, b.pprof);
    if (b.app) s.health_url = fmt::format("http://{}:{}/health/memory", host, b.app);
    s.builtin = true;
    reg.services.push_back(std::move(s));
  }
  return reg;
}

std::optional<std::string> find_config_file(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (const char* env = std::getenv("NCPROF_CONFIG"); env && *env) return std::string(env);
  std::error_code ec;
  if (fs::exists("ncprof.yaml", ec)) return std::string("ncprof.yaml");
  std::string dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    dir = xdg;
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::string(home) + "/.config";
  }
  if (!dir.empty()) {
    std::string path = dir + "/ncprof/config.yaml";
    if (fs::exists(path, ec)) return path;
  }
  return std::nullopt;
}

namespace {

bool valid_port(std::string_view s) {
  int port = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return ec == std::errc() && p == s.data() + s.size() && port > 0 && port < 65536;
}

std::string strip_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

Result<std::string> pprof_base_from(const std::string& spec) {
  if (spec.rfind("http://", 0) == 0 || spec.rfind("https://", 0) == 0) {
    std::string url = strip_slash(spec);
    auto scheme_end = url.find("://") + 3;
    auto path_start = url.find('/', scheme_end);
    if (scheme_end >= url.size()) return fail(ErrorKind::usage, fmt::format("invalid URL '{}'", spec));
    // A bare http://host:port means the usual /debug/pprof.
    if (path_start == std::string::npos) return url + "/debug/pprof";
    return url;
  }
  auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || !valid_port(std::string_view(spec).substr(colon + 1))) {
    return fail(ErrorKind::usage, fmt::format("'{}' is not host:port or a URL", spec));
  }
  return fmt::format("http://{}/debug/pprof", spec);
}

namespace {

std::string where(const std::string& path, const YAML::Node& node) {
  auto m = node.Mark();
  if (m.line >= 0) return fmt::format("{}:{}", path, m.line + 1);
  return path;
}

tl::unexpected<Error> config_error(const std::string& path, const YAML::Node& node, const std::string& msg) {
  return fail(ErrorKind::bad_input, fmt::format("{}: {}", where(path, node), msg));
}

// A mapping's key: a plain name, never a list or a mapping.
Result<std::string> key_of(const std::string& path, const YAML::Node& key) {
  if (!key.IsScalar()) return config_error(path, key, "a key must be a plain name, not a list or a mapping");
  return key.as<std::string>();
}

Result<std::string> scalar(const std::string& path, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) return config_error(path, node, fmt::format("'{}' must be a string", key));
  return node.as<std::string>();
}

Result<void> apply_service(Service& s, const YAML::Node& body, const std::string& path) {
  if (body.IsNull()) return {};
  if (!body.IsMap()) return config_error(path, body, fmt::format("service '{}' must be a mapping", s.name));
  for (const auto& kv : body) {
    auto key_text = key_of(path, kv.first);
    if (!key_text) return tl::unexpected(key_text.error());
    const std::string& key = *key_text;
    const YAML::Node& v = kv.second;
    if (key == "pprof") {
      auto text = scalar(path, v, key);
      if (!text) return tl::unexpected(text.error());
      auto base = pprof_base_from(*text);
      if (!base) return config_error(path, v, fmt::format("service '{}': pprof: {}", s.name, base.error().message));
      s.pprof_base = *base;
    } else if (key == "health") {
      auto text = scalar(path, v, key);
      if (!text) return tl::unexpected(text.error());
      if (*text != "none" && text->rfind("http://", 0) != 0 && text->rfind("https://", 0) != 0) {
        return config_error(path, v, fmt::format("service '{}': health must be a URL or none", s.name));
      }
      s.health_url = *text == "none" ? "" : *text;
      s.health_probe = *text != "none";
    } else if (key == "bench") {
      auto text = scalar(path, v, key);
      if (!text) return tl::unexpected(text.error());
      s.bench_dir = *text;
    } else if (key == "labels" || key == "headers") {
      if (!v.IsMap()) return config_error(path, v, fmt::format("service '{}': {} must be a mapping", s.name, key));
      if (key == "headers") s.headers_where = where(path, v);
      for (const auto& h : v) {
        auto name = key_of(path, h.first);
        if (!name) return tl::unexpected(name.error());
        auto value = scalar(path, h.second, *name);
        if (!value) return tl::unexpected(value.error());
        if (key == "labels") {
          s.labels[*name] = *value;
        } else {
          s.headers.emplace_back(*name, *value);
        }
      }
    } else {
      return config_error(path, kv.first,
                          fmt::format("service '{}': unknown key '{}' (pprof, health, bench, labels, headers)", s.name,
                                      key));
    }
  }
  return {};
}

}  // namespace

Result<Registry> parse_config(const std::string& text, const std::string& path, const std::string& host_override) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {  // parse errors, and documents nested too deeply
    return fail(ErrorKind::bad_input, fmt::format("{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) return fail(ErrorKind::bad_input, fmt::format("{}: empty config", path));
  if (!root.IsMap()) return config_error(path, root, "the config must be a mapping (host, replace, services)");
  std::string host = "localhost";
  bool replace = false;
  YAML::Node services;
  for (const auto& kv : root) {
    auto key_text = key_of(path, kv.first);
    if (!key_text) return tl::unexpected(key_text.error());
    const std::string& key = *key_text;
    if (key == "host") {
      auto h = scalar(path, kv.second, key);
      if (!h) return tl::unexpected(h.error());
      host = *h;
    } else if (key == "replace") {
      if (!kv.second.IsScalar()) return config_error(path, kv.second, "'replace' must be true or false");
      try {
        replace = kv.second.as<bool>();
      } catch (const YAML::Exception&) {
        return config_error(path, kv.second, "'replace' must be true or false");
      }
    } else if (key == "services") {
      services = kv.second;
    } else {
      return config_error(path, kv.first, fmt::format("unknown key '{}' (host, replace, services)", key));
    }
  }
  if (!host_override.empty()) host = host_override;
  Registry reg = replace ? Registry{} : builtin_registry(host);
  reg.source = path;
  if (services && !services.IsNull()) {
    if (!services.IsMap()) return config_error(path, services, "'services' must be a mapping of name: settings");
    for (const auto& kv : services) {
      auto name_text = key_of(path, kv.first);
      if (!name_text) return tl::unexpected(name_text.error());
      const std::string name = *name_text;
      Service* s = nullptr;
      for (auto& existing : reg.services) {
        if (existing.name == name) s = &existing;
      }
      if (!s) {
        reg.services.push_back(Service{});
        s = &reg.services.back();
        s->name = name;
      }
      if (auto ok = apply_service(*s, kv.second, path); !ok) return tl::unexpected(ok.error());
      if (s->pprof_base.empty()) {
        return config_error(path, kv.first, fmt::format("service '{}' has no 'pprof' (host:port or URL)", name));
      }
    }
  }
  return reg;
}

Result<Registry> load_registry(const std::string& explicit_config, const std::string& host_override) {
  auto file = find_config_file(explicit_config);
  util::debug_log(file ? "config: " + *file : std::string("config: none found, the built-in services"));
  if (!file) return builtin_registry(host_override.empty() ? "localhost" : host_override);
  auto text = util::read_file(*file, 16 << 20);
  if (!text) {
    Error e = text.error();
    e.message = "config " + e.message;
    return tl::unexpected(e);
  }
  return parse_config(*text, *file, host_override);
}

namespace {

// The name of an ad-hoc target, as users wrote it: "10.0.0.7:6060" (the
// scheme and path dropped). File names make it safe where they use it.
std::string name_for(const std::string& spec) {
  std::string s = spec;
  for (const char* p : {"http://", "https://"}) {
    if (s.rfind(p, 0) == 0) s = s.substr(std::string(p).size());
  }
  return s.substr(0, s.find('/'));
}

}  // namespace

Result<std::vector<Service>> resolve_targets(const Registry& reg, const std::vector<std::string>& args, bool all) {
  std::vector<Service> out;
  std::set<std::string> names;
  // The same target twice is captured once; two targets that would share a
  // name (two paths on one host:port) get -2, -3, ...
  auto add = [&](Service s) {
    for (const auto& o : out) {
      if (o.pprof_base == s.pprof_base && o.health_url == s.health_url) return;
    }
    const std::string base = s.name;
    for (int n = 2; !names.insert(s.name).second; ++n) s.name = fmt::format("{}-{}", base, n);
    out.push_back(std::move(s));
  };
  if (all) {
    for (const auto& s : reg.services) add(s);
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (const Service* s = reg.find(a)) {
      Service copy = *s;
      // "crawler 6060": a service name followed by its pprof port. The
      // scheme stays: a configured https:// never becomes http://.
      if (i + 1 < args.size() && valid_port(args[i + 1])) {
        const auto scheme_end = copy.pprof_base.find("://");
        const auto host_start = scheme_end + 3;
        const auto host_end = copy.pprof_base.find_first_of(":/", host_start);
        std::string scheme = copy.pprof_base.substr(0, scheme_end);
        std::string host = copy.pprof_base.substr(host_start, host_end - host_start);
        copy.pprof_base = fmt::format("{}://{}:{}/debug/pprof", scheme, host, args[i + 1]);
        ++i;
      }
      add(std::move(copy));
      continue;
    }
    if (a.find(':') != std::string::npos) {
      Service s;
      s.name = name_for(a);
      // A URL of a health endpoint: that is where health is read; its
      // origin's /debug/pprof is where profiles are.
      const std::string health_path = "/health/memory";
      std::string spec = strip_slash(a);
      if (spec.find("://") != std::string::npos && spec.ends_with(health_path)) {
        s.health_url = spec;
        spec.erase(spec.size() - health_path.size());
      }
      auto base = pprof_base_from(spec);
      if (!base) return tl::unexpected(base.error());
      s.pprof_base = *base;
      add(std::move(s));
      continue;
    }
    if (valid_port(a) && i > 0) {
      return fail(ErrorKind::usage, fmt::format("'{}' follows '{}', which is not a service name: give NAME PORT or "
                                                "host:port",
                                                a, args[i - 1]));
    }
    if (!a.empty() && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail(ErrorKind::usage, fmt::format("'{}' is not a valid port (1-65535) nor a service name", a));
    }
    return fail(ErrorKind::usage, fmt::format("unknown service '{}' (known: {}; or give host:port or a URL)", a,
                                              reg.names()));
  }
  if (out.empty()) return fail(ErrorKind::usage, "no targets: name services, host:port or URLs, or use --all");
  return out;
}

bool looks_like_path(const std::string& arg) {
  if (arg.find("://") != std::string::npos) return false;  // a URL target
  if (arg == "-" || arg.find('/') != std::string::npos || arg.rfind(".", 0) == 0) return true;
  for (const char* ext : {".pb.gz", ".pprof", ".pb", ".gz", ".prof", ".txt", ".trace"}) {
    if (arg.ends_with(ext)) return true;
  }
  return false;
}

bool names_file(const Registry& reg, const std::string& arg) {
  if (looks_like_path(arg)) return true;
  std::error_code ec;
  return !reg.find(arg) && arg.find(':') == std::string::npos && std::filesystem::is_regular_file(arg, ec);
}

Result<std::vector<std::pair<std::string, std::string>>> resolve_headers(const Service& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : s.headers) {
    auto value = util::expand_env(v);
    if (!value) {
      return fail(ErrorKind::bad_input, fmt::format("{}{}service '{}': header {}: {}", s.headers_where,
                                                    s.headers_where.empty() ? "" : ": ", s.name, k,
                                                    value.error().message));
    }
    out.emplace_back(k, *value);
  }
  return out;
}

}  // namespace ncprof::targets
