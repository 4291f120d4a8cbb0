#include "ncprof/util/regex.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

namespace ncprof::util {

Regex::Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Result<Regex> Regex::compile(const std::string& pattern, const std::string& what) {
  RE2::Options options;
  options.set_log_errors(false);
  // Bounded memory for the compiled program: a pattern past it is refused.
  options.set_max_mem(64 << 20);
  Regex r;
  r.re_ = std::make_unique<re2::RE2>(pattern, options);
  if (!r.re_->ok()) {
    std::string shown = pattern.size() > 80 ? pattern.substr(0, 80) + "..." : pattern;
    return fail(ErrorKind::bad_input, fmt::format("parsing {} regexp '{}': {}", what, shown, r.re_->error()));
  }
  return r;
}

bool Regex::search(std::string_view text) const { return RE2::PartialMatch(text, *re_); }

bool Regex::full_match(std::string_view text) const { return RE2::FullMatch(text, *re_); }

}  // namespace ncprof::util
