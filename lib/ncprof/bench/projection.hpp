#pragma once
// benchstat's keys, filters and projections (golang.org/x/perf/benchproc):
// which results go into which table, row and column.
//
// Keys: .name (base name), .fullname (name without "Benchmark"), .file
// (the input's label), /KEY (a sub-name key, /gomaxprocs also the -N
// suffix), any other word (a file configuration key), .config (all file
// keys, projections only), .unit (filters only).
//
// Projections: keys separated by commas or spaces, each with an optional
// order: KEY@alpha, KEY@num (numbers with k/M/G/Ki/Mi... prefixes),
// KEY@(v1 v2 ...) (that order, and only those values), else the order in
// which values are first seen.
//
// Filters: key:value, key:"quoted", key:/regexp/, key:(v1 OR v2), *,
// x y or x AND y, x OR y, -x, ( ... ).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ncprof/bench/benchfmt.hpp"
#include "ncprof/util/error.hpp"

namespace ncprof::bench {

struct ProjectionField {
  enum class Order { first, alpha, num, fixed };
  std::string key;
  Order order = Order::first;
  std::vector<std::string> fixed;  // Order::fixed: the values, in order
};

// `what` names the flag in errors ("--row").
Result<std::vector<ProjectionField>> parse_projection(std::string_view query, const std::string& what);

// The parts of a benchmark's full name ("Encode/format=json-8"): the base
// name, then each "/..." part, then the "-N" GOMAXPROCS suffix if any.
std::vector<std::string_view> name_parts(std::string_view fullname);
// .name: up to the first "/", else without the -N suffix.
std::string_view base_name(std::string_view fullname);
// /KEY's value ("" when absent); /gomaxprocs also reads the -N suffix.
std::string name_key_value(std::string_view fullname, std::string_view key);
// .fullname without the given keys (.name: the base becomes "*"; /KEY:
// that part; /gomaxprocs: the -N suffix), as benchstat shows a row whose
// other keys went to columns.
std::string fullname_without(std::string_view fullname, const std::vector<std::string>& keys);

// benchproc's "num" order: a number with an optional SI or IEC prefix.
bool parse_num(std::string_view s, double& out);

// A file configuration key's value for a result ("" when absent).
using ConfigLookup = std::function<std::string(const std::string& key)>;

class Filter {
 public:
  struct Node;
  // "*" matches everything.
  static Result<Filter> parse(std::string_view query, const std::string& what);
  Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  // Whether the filter keeps value `value` of the result (.unit terms look
  // at that value's unit, the others at the result).
  bool keeps(const BenchResult& r, const ConfigLookup& config, std::size_t value) const;
  bool matches_all() const;

 private:
  std::unique_ptr<Node> root_;
};

// -table, -row, -col, -ignore and -filter together.
struct Projections {
  std::vector<ProjectionField> table = {{".config", ProjectionField::Order::first, {}}};
  std::vector<ProjectionField> row = {{".fullname", ProjectionField::Order::first, {}}};
  std::vector<ProjectionField> col = {{".file", ProjectionField::Order::first, {}}};
  std::vector<ProjectionField> ignore;
  std::shared_ptr<const Filter> filter;  // null: every result
  bool is_default() const;
};

Result<Projections> parse_projections(const std::string& table, const std::string& row, const std::string& col,
                                      const std::string& ignore, const std::string& filter);

}  // namespace ncprof::bench
