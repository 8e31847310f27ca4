#include "train/cli/args.h"

#include <cstdio>
#include <sstream>

#include "models/core/error.h"

namespace vlmforge::cli {

ArgParser::ArgParser(std::string prog, std::string summary)
    : prog_(std::move(prog)), summary_(std::move(summary)) {}

ArgParser& ArgParser::option(const std::string& name, const std::string& metavar,
                             const std::string& help, const std::string& default_value) {
  Spec s;
  s.name = name;
  s.metavar = metavar;
  s.help = help;
  s.default_value = default_value;
  specs_.push_back(s);
  return *this;
}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
  Spec s;
  s.name = name;
  s.help = help;
  s.is_flag = true;
  specs_.push_back(s);
  return *this;
}

ArgParser& ArgParser::positional(const std::string& name, const std::string& help, bool required) {
  Spec s;
  s.name = name;
  s.metavar = name;
  s.help = help;
  s.is_positional = true;
  s.required = required;
  specs_.push_back(s);
  return *this;
}

ArgParser& ArgParser::allow_overrides() {
  overrides_allowed_ = true;
  return *this;
}

ArgParser& ArgParser::allow_rest() {
  rest_allowed_ = true;
  return *this;
}

ArgParser& ArgParser::epilog(const std::string& text) {
  epilog_ = text;
  return *this;
}

ArgParser::Spec* ArgParser::find(const std::string& name) {
  for (auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

const ArgParser::Spec* ArgParser::find(const std::string& name) const {
  for (auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

bool ArgParser::parse(const std::vector<std::string>& args) {
  size_t next_positional = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(usage().c_str(), stdout);
      return false;
    }
    if (a == "--" && rest_allowed_) {
      rest_.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.rfind("--", 0) == 0) {
      std::string name = a, value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      Spec* s = find(name);
      if (s == nullptr || s->is_positional)
        throw Error("unknown option " + name, prog_, "see `" + prog_ + " --help`");
      if (s->is_flag) {
        if (inline_value) throw Error("flag " + name + " takes no value", prog_);
        s->value = "1";
        continue;
      }
      if (!inline_value) {
        if (i + 1 >= args.size())
          throw Error("option " + name + " needs a value (" + s->metavar + ")", prog_);
        value = args[++i];
      }
      s->value = value;
      continue;
    }
    if (overrides_allowed_ && a.find('=') != std::string::npos && a[0] != '=') {
      overrides_.push_back(a);
      continue;
    }
    // positional
    size_t seen = 0;
    Spec* target = nullptr;
    for (auto& s : specs_) {
      if (!s.is_positional) continue;
      if (seen++ == next_positional) {
        target = &s;
        break;
      }
    }
    if (target == nullptr)
      throw Error("unexpected argument '" + a + "'", prog_, "see `" + prog_ + " --help`");
    target->value = a;
    ++next_positional;
  }
  for (auto& s : specs_)
    if (s.is_positional && s.required && !s.value)
      throw Error("missing argument " + s.name, prog_, "see `" + prog_ + " --help`");
  return true;
}

bool ArgParser::has(const std::string& name) const {
  const Spec* s = find(name);
  return s != nullptr && (s->value.has_value() || !s->default_value.empty());
}

std::string ArgParser::get(const std::string& name) const {
  const Spec* s = find(name);
  if (s == nullptr) return "";
  return s->value ? *s->value : s->default_value;
}

long long ArgParser::get_int(const std::string& name) const {
  std::string v = get(name);
  try {
    size_t pos = 0;
    long long x = std::stoll(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw Error("option " + name + " expects an integer, got '" + v + "'", prog_);
  }
}

double ArgParser::get_double(const std::string& name) const {
  std::string v = get(name);
  try {
    size_t pos = 0;
    double x = std::stod(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw Error("option " + name + " expects a number, got '" + v + "'", prog_);
  }
}

bool ArgParser::get_flag(const std::string& name) const {
  const Spec* s = find(name);
  return s != nullptr && s->value.has_value();
}

std::string ArgParser::usage() const {
  std::ostringstream out;
  out << "usage: " << prog_;
  for (auto& s : specs_) {
    if (s.is_positional) out << (s.required ? " " + s.name : " [" + s.name + "]");
  }
  if (!specs_.empty()) out << " [options]";
  if (overrides_allowed_) out << " [key.path=value ...]";
  if (rest_allowed_) out << " -- COMMAND...";
  out << "\n\n" << summary_ << "\n";
  bool any_opt = false;
  for (auto& s : specs_) {
    std::string left = s.is_positional ? "  " + s.name
                                       : "  " + s.name + (s.is_flag ? "" : " " + s.metavar);
    if (!s.is_positional && !any_opt) {
      out << "\noptions:\n";
      any_opt = true;
    }
    out << left;
    if (left.size() < 26) out << std::string(26 - left.size(), ' ');
    else out << "\n" << std::string(26, ' ');
    out << s.help;
    if (!s.default_value.empty()) out << " (default: " << s.default_value << ")";
    out << "\n";
  }
  out << "  --help                  show this help and exit\n";
  if (overrides_allowed_)
    out << "  key.path=value          override any config key, e.g. train.lr=1e-4\n";
  if (!epilog_.empty()) out << "\n" << epilog_ << "\n";
  return out.str();
}

}  // namespace vlmforge::cli
