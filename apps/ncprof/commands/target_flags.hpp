#pragma once
// Options every command that talks to services shares.
#include <string>
#include <vector>

#include "cli.hpp"
#include "ncprof/capture/capture.hpp"
#include "ncprof/client/http.hpp"
#include "ncprof/targets/targets.hpp"

namespace ncprof::app {

struct TargetFlags {
  std::vector<std::string> targets;
  bool all = false;
  std::string config;
  std::string host;
  bool insecure = false;
  std::string cacert;

  // positional: whether TARGET... and --all are added here (some commands
  // take one source of their own).
  void add_to(CLI::App& cmd, bool positional = true);
  client::TlsOptions tls() const { return {insecure, cacert}; }
  // The configured services and the ones named on the command line.
  Result<std::vector<targets::Service>> resolve() const;
  // Capture settings every command shares: TLS, the per-request timeout,
  // the decompressed size limit.
  Result<capture::CaptureOptions> capture_options(const std::string& timeout, const GlobalOptions& global) const;
};

}  // namespace ncprof::app
