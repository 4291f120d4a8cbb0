#pragma once
// Options and output shared by the commands that print a top table.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "ncprof/profile/codec.hpp"
#include "ncprof/profile/merge.hpp"
#include "ncprof/profile/top.hpp"

namespace ncprof::app {

struct TopFlags {
  std::string sample_index;
  int nodecount = 0;
  bool cum = false;
  std::string focus, ignore, hide, show;
  std::string tagfocus, tagignore, tagshow, taghide;
  std::string show_from, prune_from;
  bool mean = false;
  bool drop_negative = false;
  std::string unit = "minimum";
  double nodefraction = 0.005;
  std::string granularity = "functions";
  bool no_trim = false;
  std::string format = "text";

  // with_format: --format text|json, with_values: --mean and
  // --drop-negative (neither for the commands that draw a page).
  void add_to(CLI::App& cmd, bool with_format = true, bool with_values = true);
  // Only what selects samples and frames: --sample-index, --focus,
  // --ignore, --hide, --show, --granularity, the tag filters.
  void add_selection_to(CLI::App& cmd);
  // How the reports' values are shown: --mean, --drop-negative.
  void add_value_options_to(CLI::App& cmd);
  Result<profile::TopOptions> options() const;
};

// --base FILE | --diff-base FILE, and --normalize.
struct BaseFlags {
  std::string base;
  std::string diff_base;
  bool normalize = false;

  void add_to(CLI::App& cmd, const std::string& base_help = "Subtract this profile (pprof -base)",
              const std::string& diff_help = "Compare against this profile (pprof -diff_base)");
  const std::string& file() const { return base.empty() ? diff_base : base; }
};

// p minus the base the flags name (nothing without one); source names p
// in messages. use: what the caller reads of the samples (SampleUse).
Result<void> apply_base(profile::Profile& p, const BaseFlags& flags, const std::string& source,
                        const profile::DecodeOptions& opts,
                        profile::SampleUse use = profile::SampleUse::combined);

Result<profile::DecodeOptions> decode_options(const GlobalOptions& global);

// Reads every file and merges them into one profile (one file is merged
// with itself only with merge_one, as pprof does: equal samples add up and
// zero samples go).
Result<profile::Profile> load_merged(const std::vector<std::string>& files, const profile::DecodeOptions& opts,
                                     bool merge_one = false,
                                     profile::SampleUse use = profile::SampleUse::combined);

// What pprof's sample-by-sample reports read: the files merged (even
// one), minus --base or --diff-base, with the profile's own drop_frames,
// and the labels --tagshow/--taghide of opts (when given) keep.
Result<profile::Profile> load_for_report(const std::vector<std::string>& files, const BaseFlags& base,
                                         const profile::DecodeOptions& opts,
                                         const profile::TopOptions* opts_tags = nullptr);

// The rows of a top table as JSON, with top's percentage fields.
nlohmann::json top_rows_json(const profile::TopReport& report);

// Computes and prints the table (text or JSON) on stdout.
// `extra` adds fields to the JSON document (the base a table was taken against).
int print_top(const profile::Profile& p, const TopFlags& flags, const std::vector<std::string>& sources,
              const nlohmann::json& extra = {});

}  // namespace ncprof::app
