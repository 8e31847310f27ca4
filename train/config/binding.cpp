#include "train/config/binding.h"

#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace vlmforge::config {

namespace detail {

std::string join_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string closest(const std::string& key, const std::set<std::string>& known) {
  // Levenshtein distance; suggest only near misses (typos), not arbitrary keys.
  auto dist = [](const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = std::numeric_limits<size_t>::max();
  for (const auto& k : known) {
    size_t d = dist(key, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best_d <= std::max<size_t>(2, key.size() / 3) ? best : "";
}

std::string shortest(double x) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  std::string s(buf, res.ptr);
  // Keep floats recognisable as floats in the YAML ("1" would read back fine, "1.0" says more).
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "an undefined value";
  }
}

}  // namespace detail

void Reader::fail(const YAML::Node& node, const std::string& path, const std::string& what,
                  const std::string& hint) const {
  std::string where = src_.name;
  if (src_.has_lines && node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
  if (!path.empty()) where += ": " + path;
  throw Error(what, where, hint);
}

YAML::Node Reader::structured(const YAML::Node& node, const std::string& path) const {
  if (src_.has_lines || !node.IsScalar()) return node;
  try {
    return YAML::Load(node.Scalar());
  } catch (const YAML::Exception& e) {
    fail(node, path, "cannot parse '" + node.Scalar() + "' as YAML: " + e.msg);
  }
}

namespace {
bool scalar_text(const YAML::Node& n, std::string& text) {
  if (!n.IsScalar()) return false;
  text = n.Scalar();
  return true;
}
}  // namespace

void Reader::read_scalar(const YAML::Node& node, bool& out, const std::string& path) {
  std::string t;
  if (!scalar_text(node, t)) fail(node, path, "expected true/false, got " + detail::describe(node));
  if (t == "true" || t == "True" || t == "yes" || t == "on" || t == "1") out = true;
  else if (t == "false" || t == "False" || t == "no" || t == "off" || t == "0") out = false;
  else fail(node, path, "expected true/false, got '" + t + "'");
}

void Reader::read_scalar(const YAML::Node& node, std::string& out, const std::string& path) {
  if (node.IsNull()) {
    out.clear();
    return;
  }
  std::string t;
  if (!scalar_text(node, t)) fail(node, path, "expected a string, got " + detail::describe(node));
  out = t;
}

void Reader::read_scalar(const YAML::Node& node, double& out, const std::string& path) {
  std::string t;
  if (!scalar_text(node, t)) fail(node, path, "expected a number, got " + detail::describe(node));
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE || std::isnan(v))
    fail(node, path, "expected a number, got '" + t + "'");
  out = v;
}

void Reader::read_scalar(const YAML::Node& node, float& out, const std::string& path) {
  double v = 0;
  read_scalar(node, v, path);
  out = static_cast<float>(v);
}

void Reader::read_scalar(const YAML::Node& node, int64_t& out, const std::string& path) {
  std::string t;
  if (!scalar_text(node, t)) fail(node, path, "expected an integer, got " + detail::describe(node));
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(t.c_str(), &end, 10);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE)
    fail(node, path, "expected an integer, got '" + t + "'");
  out = v;
}

void Reader::read_scalar(const YAML::Node& node, int& out, const std::string& path) {
  int64_t v = 0;
  read_scalar(node, v, path);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    fail(node, path, "integer out of range: " + std::to_string(v));
  out = static_cast<int>(v);
}

YAML::Node override_node(const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("expected key.path=value", "override '" + assignment + "'");
  std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  YAML::Node value = text.empty() ? YAML::Node(YAML::NodeType::Null) : YAML::Node(text);
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& p : parts)
    if (p.empty()) throw Error("empty component in key path '" + key + "'", "override '" + assignment + "'");
  YAML::Node node = value;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    YAML::Node parent(YAML::NodeType::Map);
    parent[*it] = node;
    node = parent;
  }
  return node;
}

}  // namespace vlmforge::config
