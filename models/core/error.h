// The project's error type. Every failure a user can cause (bad file, bad key, bad tensor) is
// thrown as vlmforge::Error carrying what went wrong, where (file, line, key or tensor name) and,
// when known, what to do. The CLI prints `error: <where>: <what> (<hint>)` on one line and exits 1.
#pragma once

#include <stdexcept>
#include <string>

namespace vlmforge {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string what, std::string where = {}, std::string hint = {});

  const std::string& what_part() const { return what_; }
  const std::string& where() const { return where_; }
  const std::string& hint() const { return hint_; }

  // A copy with `outer` prepended to where(): used when a caller adds context (e.g. the file
  // a tensor came from).
  Error with_context(const std::string& outer) const;

 private:
  std::string what_, where_, hint_;
};

// Formats `where: what (hint)` without the optional parts that are empty.
std::string format_error(const std::string& what, const std::string& where,
                         const std::string& hint);

}  // namespace vlmforge
