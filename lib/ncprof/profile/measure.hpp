#pragma once
// pprof's unit scaling and number formatting (internal/measurement), so
// that values print exactly as `go tool pprof` prints them.
#include <cstdint>
#include <string>
#include <utility>

namespace ncprof::profile {

// Converts value from `from_unit` to `to_unit`; "minimum"/"auto" pick the
// largest unit the value reaches. Returns the value and the unit label
// ("" for plain counts).
std::pair<double, std::string> scale_value(std::int64_t value, const std::string& from_unit, const std::string& to_unit);

// "1.50MB", "30ms", "12": the value in to_unit, two decimals, ".00" dropped.
std::string scaled_label(std::int64_t value, const std::string& from_unit, const std::string& to_unit);

// "  100%", "12.34%", " 0.56%": pprof's percentage column.
std::string percentage(std::int64_t value, std::int64_t total);

}  // namespace ncprof::profile
