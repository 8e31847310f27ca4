#include "models/core/error.h"

namespace vlmforge {

std::string format_error(const std::string& what, const std::string& where,
                         const std::string& hint) {
  std::string out;
  if (!where.empty()) out += where + ": ";
  out += what;
  if (!hint.empty()) out += " (" + hint + ")";
  // One line, always: a message is printed as the CLI's single error line.
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

Error::Error(std::string what, std::string where, std::string hint)
    : std::runtime_error(format_error(what, where, hint)),
      what_(std::move(what)),
      where_(std::move(where)),
      hint_(std::move(hint)) {}

Error Error::with_context(const std::string& outer) const {
  return Error(what_, where_.empty() ? outer : outer + ": " + where_, hint_);
}

}  // namespace vlmforge
