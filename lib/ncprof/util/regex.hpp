#pragma once
// Regular expressions in linear time, with Go's syntax (RE2, which pprof
// and Go's regexp share): no backtracking, no recursion, so a hostile
// pattern (from a user or from a profile's own drop_frames) can neither hang
// nor overflow the stack.
#include <memory>
#include <string>
#include <string_view>

#include "ncprof/util/error.hpp"

namespace re2 {
class RE2;
}

namespace ncprof::util {

class Regex {
 public:
  // `what` names the pattern in errors ("focus", "drop_frames").
  static Result<Regex> compile(const std::string& pattern, const std::string& what);

  // Anywhere in `text`, as Go's MatchString.
  bool search(std::string_view text) const;
  // The whole of `text`.
  bool full_match(std::string_view text) const;

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

 private:
  Regex();
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace ncprof::util
