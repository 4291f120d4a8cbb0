#pragma once
// int64 arithmetic as Go does it: sums and negation wrap around instead of
// being undefined behaviour, so totals of hostile profiles match go tool
// pprof and the sanitizers stay quiet.
#include <cmath>
#include <cstdint>
#include <limits>

namespace ncprof::util {

constexpr std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

constexpr std::int64_t wrap_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

// -INT64_MIN is INT64_MIN, as in Go.
constexpr std::int64_t wrap_neg(std::int64_t a) { return wrap_sub(0, a); }

// Go's abs on int64: negative values negated, wrapping.
constexpr std::int64_t wrap_abs(std::int64_t a) { return a < 0 ? wrap_neg(a) : a; }

// a / b for b != 0 as Go computes it: INT64_MIN / -1 is INT64_MIN.
constexpr std::int64_t wrap_div(std::int64_t a, std::int64_t b) {
  return b == -1 ? wrap_neg(a) : a / b;
}

// int64(f) as Go computes it on amd64: out of range and NaN give INT64_MIN.
inline std::int64_t go_float_to_int64(double f) {
  if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(f);
}

}  // namespace ncprof::util
