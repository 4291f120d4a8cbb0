#pragma once
#include <vector>

#include "cli.hpp"

namespace ncprof::app {

void add_top_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_diff_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_merge_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_capture_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_health_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_compare_heap_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_leak_check_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_goroutines_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_benchstat_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_bench_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_complete_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_report_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_web_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_traces_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_tags_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_export_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_peek_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_list_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_alerts_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_watch_command(CLI::App&, Dispatch&, const GlobalOptions&);
void add_config_command(CLI::App&, Dispatch&, const GlobalOptions&);

// The one registration list.
inline std::vector<Registrar> all_commands() {
  return {add_capture_command,    add_health_command,       add_top_command,        add_traces_command,
          add_tags_command,       add_peek_command,         add_list_command,       add_export_command,
          add_diff_command,       add_merge_command,        add_report_command,     add_web_command,
          add_compare_heap_command, add_leak_check_command, add_goroutines_command, add_benchstat_command,
          add_bench_command,      add_watch_command,        add_alerts_command,     add_config_command,
          add_complete_command};
}

}  // namespace ncprof::app
