#include "commands/pages.hpp"

#include <fmt/format.h>

#include "ncprof/util/files.hpp"
#include "ncprof/util/strings.hpp"

namespace ncprof::app {

std::string page_path(const std::string& html, const std::string& service, std::size_t targets,
                      const std::string& fallback) {
  if (html.empty()) return fallback;
  if (targets == 1) return html;
  std::string stem = html;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".html") == 0) stem.resize(stem.size() - 5);
  return fmt::format("{}_{}.html", stem, util::file_name_part(service));
}

Result<void> check_page_option(const std::string& html) {
  if (html.empty()) return {};
  return util::prepare_output_file(html, "--html");
}

}  // namespace ncprof::app
