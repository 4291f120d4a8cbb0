#pragma once
// Errors as values: every fallible function returns Result<T>. The message
// names the file or URL it is about; apps/ maps the kind to an exit code.
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace ncprof {

enum class ErrorKind {
  usage,      // bad arguments or options
  bad_input,  // a file or config that cannot be used
  io,         // reading or writing a local file failed
  network,    // a target could not be reached or answered badly
  timeout,    // a target was slower than allowed
  internal,
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return tl::unexpected<Error>(Error{kind, std::move(message)});
}

}  // namespace ncprof
