// Errors are returned, never thrown across the core's API: a bad document or
// rule pack must not abort a WASM instance, which has no exception recovery
// once an exception escapes into JavaScript.
#ifndef FINEPRINT_CORE_EXPECTED_H_
#define FINEPRINT_CORE_EXPECTED_H_

#include <string>
#include <utility>
#include <variant>

namespace fineprint {

// A human-readable reason an operation failed. The message is one line and
// names the offending thing (a rule id, a byte offset), so it can be shown
// to a person as it is.
struct Error {
  std::string message;
};

// Either a value or an Error. Check ok() before value().
template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}           // NOLINT: implicit by design
  Expected(Error error) : state_(std::move(error)) {}       // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace fineprint

#endif  // FINEPRINT_CORE_EXPECTED_H_
