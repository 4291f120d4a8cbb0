#pragma once
// The HTML pages that compare-heap and leak-check write beside their
// verdicts: one per service.
#include <string>

#include "ncprof/util/error.hpp"

namespace ncprof::app {

// Where a service's page goes: --html FILE for one target, FILE's stem
// with the service (FILE_SERVICE.html) for several, else `fallback`.
std::string page_path(const std::string& html, const std::string& service, std::size_t targets,
                      const std::string& fallback);

// Checks --html (when given) before any capture or wait: its directory is
// made if missing and must be writable.
Result<void> check_page_option(const std::string& html);

}  // namespace ncprof::app
