#include "commands/target_flags.hpp"

#include "commands/analysis.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

void TargetFlags::add_to(CLI::App& cmd, bool positional) {
  if (positional) {
    cmd.add_option("TARGET", targets, "Service names (crawler), NAME PORT, host:port or URLs");
    cmd.add_flag("--all", all, "Every configured service");
  }
  cmd.add_option("--config", config, "Config file (else NCPROF_CONFIG, ./ncprof.yaml, ~/.config/ncprof/config.yaml)");
  cmd.add_option("--host", host, "Host of the built-in services instead of localhost");
  cmd.add_flag("--insecure", insecure, "Do not verify TLS certificates");
  cmd.add_option("--cacert", cacert, "CA bundle to verify TLS certificates with");
}

Result<std::vector<targets::Service>> TargetFlags::resolve() const {
  auto reg = targets::load_registry(config, host);
  if (!reg) return tl::unexpected(reg.error());
  auto services = targets::resolve_targets(*reg, targets, all);
  if (!services) return services;
  // A header naming an unset variable is a config error, found before any
  // request (exit 2), not a target failure.
  for (const auto& s : *services) {
    if (auto headers = targets::resolve_headers(s); !headers) return tl::unexpected(headers.error());
  }
  return services;
}

Result<capture::CaptureOptions> TargetFlags::capture_options(const std::string& timeout,
                                                             const GlobalOptions& global) const {
  capture::CaptureOptions opts;
  opts.tls = tls();
  auto t = util::parse_duration(timeout);
  if (!t) return tl::unexpected(t.error());
  if (t->count() <= 0) return fail(ErrorKind::usage, "--timeout must be positive (e.g. 30s)");
  opts.timeout = *t;
  auto decode = decode_options(global);
  if (!decode) return tl::unexpected(decode.error());
  opts.decode = *decode;
  return opts;
}

}  // namespace ncprof::app
