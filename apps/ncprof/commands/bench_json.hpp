#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "ncprof/bench/benchstat.hpp"

namespace ncprof::app {

// The JSON form of benchstat tables (benchstat --format json, bench).
nlohmann::json tables_json(const std::vector<bench::StatTable>& tables);

}  // namespace ncprof::app
