// A small argument parser for the `vlmforge` subcommands: long options (`--out DIR`,
// `--out=DIR`), flags, positionals, `--help`, and `dotted.key=value` config overrides.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vlmforge::cli {

class ArgParser {
 public:
  ArgParser(std::string prog, std::string summary);

  // `--name VALUE`. An empty default means "not set" (has() is false until given).
  ArgParser& option(const std::string& name, const std::string& metavar, const std::string& help,
                    const std::string& default_value = "");
  ArgParser& flag(const std::string& name, const std::string& help);
  ArgParser& positional(const std::string& name, const std::string& help, bool required = true);
  // Accept `a.b.c=value` arguments (config overrides); they are returned by overrides().
  ArgParser& allow_overrides();
  // Everything after a bare `--` is returned by rest() (used by `launch`).
  ArgParser& allow_rest();
  // Free text printed after the options in --help.
  ArgParser& epilog(const std::string& text);

  // Parses; returns false when --help was printed (caller exits 0). Throws vlmforge::Error on
  // unknown options, missing values or missing required positionals.
  bool parse(const std::vector<std::string>& args);

  bool has(const std::string& name) const;
  std::string get(const std::string& name) const;  // value or default ("" if none)
  long long get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  bool get_flag(const std::string& name) const;
  const std::vector<std::string>& overrides() const { return overrides_; }
  const std::vector<std::string>& rest() const { return rest_; }
  std::string usage() const;

 private:
  struct Spec {
    std::string name, metavar, help, default_value;
    bool is_flag = false, is_positional = false, required = false;
    std::optional<std::string> value;
  };
  Spec* find(const std::string& name);
  const Spec* find(const std::string& name) const;

  std::string prog_, summary_, epilog_;
  std::vector<Spec> specs_;
  bool overrides_allowed_ = false, rest_allowed_ = false;
  std::vector<std::string> overrides_, rest_;
};

}  // namespace vlmforge::cli
