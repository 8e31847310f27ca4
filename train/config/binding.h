// YAML <-> typed config structs. A config section is a plain struct with defaults in its member
// initialisers and a member template that lists its keys:
//
//   struct StageConfig {
//     std::string name = "projector";
//     int64_t steps = 0;
//     template <class V> void visit(V& v) {
//       v("name", name, "label shown in logs");
//       v("steps", steps, "length of the stage in optimizer steps");
//     }
//   };
//
// The same visit() drives reading (with type checks and unknown-key errors that name
// `file:line: key.path`), `key.path=value` overrides and dumping (--print-config). Supported
// field types: bool, integers, float/double, std::string, structs with visit(), std::vector<T>
// and std::map<std::string, T> of those.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "models/core/error.h"

namespace vlmforge::config {

namespace detail {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

struct ProbeVisitor {
  template <class F>
  void operator()(const char*, F&, const char*) {}
};
template <class T, class = void>
struct has_visit : std::false_type {};
template <class T>
struct has_visit<T, std::void_t<decltype(std::declval<T&>().visit(std::declval<ProbeVisitor&>()))>>
    : std::true_type {};

std::string join_key(const std::string& path, const std::string& key);
std::string closest(const std::string& key, const std::set<std::string>& known);
std::string describe(const YAML::Node& n);  // short text of a node for error messages
std::string shortest(double x);            // shortest text that reads back as the same double

}  // namespace detail

// Where values come from: a file (lines are reported) or a command-line override.
struct Source {
  std::string name;       // file path, or "override 'a.b=c'"
  bool has_lines = true;  // false for overrides (their nodes have no meaningful marks)
};

class Reader {
 public:
  explicit Reader(Source src) : src_(std::move(src)) {}

  // Reads `node` into `out`; only keys present in `node` change `out` (so several sources can be
  // applied one after another: defaults, then the file, then overrides).
  template <class T>
  void read(const YAML::Node& node, T& out, const std::string& path) {
    if constexpr (detail::has_visit<T>::value) {
      read_struct(node, out, path);
    } else if constexpr (detail::is_vector<T>::value) {
      read_vector(node, out, path);
    } else if constexpr (detail::is_string_map<T>::value) {
      read_map(node, out, path);
    } else {
      read_scalar(node, out, path);
    }
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& what,
                         const std::string& hint = {}) const;

 private:
  // An override's value arrives as raw text (so strings keep `#`, `:` and quotes as typed);
  // where a list or mapping is expected, the text is parsed as YAML flow (`[a, b]`, `{k: v}`).
  YAML::Node structured(const YAML::Node& node, const std::string& path) const;

  template <class T>
  void read_struct(const YAML::Node& node_in, T& obj, const std::string& path) {
    const YAML::Node node = structured(node_in, path);
    if (node.IsNull() && !path.empty()) return;  // `section:` with nothing under it
    if (!node.IsMap()) fail(node, path, "expected a mapping of keys, got " + detail::describe(node));
    std::set<std::string> known;
    auto visitor = [&](const char* key, auto& field, const char*) {
      known.insert(key);
      for (const auto& kv : node) {
        if (kv.first.Scalar() == key) {
          read(kv.second, field, detail::join_key(path, key));
          return;
        }
      }
    };
    obj.visit(visitor);
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (known.count(key)) continue;
      std::string near = detail::closest(key, known);
      fail(kv.first, detail::join_key(path, key), "unknown key",
           near.empty() ? "" : "did you mean '" + detail::join_key(path, near) + "'?");
    }
  }

  template <class T>
  void read_vector(const YAML::Node& node_in, std::vector<T>& out, const std::string& path) {
    const YAML::Node node = structured(node_in, path);
    if (node.IsSequence()) {
      std::vector<T> fresh(node.size());
      for (size_t i = 0; i < node.size(); ++i)
        read(node[i], fresh[i], path + "[" + std::to_string(i) + "]");
      out = std::move(fresh);
      return;
    }
    if (node.IsMap()) {  // override of single elements: `train.stages.1.lr=...`
      for (const auto& kv : node) {
        size_t idx = 0;
        const std::string& k = kv.first.Scalar();
        try {
          size_t pos = 0;
          idx = std::stoul(k, &pos);
          if (pos != k.size()) throw std::invalid_argument(k);
        } catch (const std::exception&) {
          fail(kv.first, path, "expected a list index, got '" + k + "'");
        }
        if (idx >= out.size())
          fail(kv.first, path + "[" + k + "]",
               "index out of range (the list has " + std::to_string(out.size()) + " items)");
        read(kv.second, out[idx], path + "[" + k + "]");
      }
      return;
    }
    if (node.IsNull()) {
      out.clear();
      return;
    }
    fail(node, path, "expected a list, got " + detail::describe(node));
  }

  template <class T>
  void read_map(const YAML::Node& node_in, std::map<std::string, T>& out, const std::string& path) {
    const YAML::Node node = structured(node_in, path);
    if (node.IsNull()) return;
    if (!node.IsMap()) fail(node, path, "expected a mapping, got " + detail::describe(node));
    for (const auto& kv : node) {
      T value = out.count(kv.first.Scalar()) ? out[kv.first.Scalar()] : T{};
      read(kv.second, value, detail::join_key(path, kv.first.Scalar()));
      out[kv.first.Scalar()] = std::move(value);
    }
  }

  void read_scalar(const YAML::Node& node, bool& out, const std::string& path);
  void read_scalar(const YAML::Node& node, std::string& out, const std::string& path);
  void read_scalar(const YAML::Node& node, double& out, const std::string& path);
  void read_scalar(const YAML::Node& node, float& out, const std::string& path);
  void read_scalar(const YAML::Node& node, int64_t& out, const std::string& path);
  void read_scalar(const YAML::Node& node, int& out, const std::string& path);

  Source src_;
};

// Emits a struct as YAML with each key's doc string as a comment.
class Writer {
 public:
  template <class T>
  void write(YAML::Emitter& out, T& value) {
    if constexpr (detail::has_visit<T>::value) {
      out << YAML::BeginMap;
      auto visitor = [&](const char* key, auto& field, const char* doc) {
        out << YAML::Key << key << YAML::Value;
        write(out, field);
        // Docs go beside scalars only: after a block (struct, list, map) they would land on its
        // last line.
        using F = std::decay_t<decltype(field)>;
        if (!detail::has_visit<F>::value && !detail::is_vector<F>::value &&
            !detail::is_string_map<F>::value && doc != nullptr && *doc != '\0') out << YAML::Comment(doc);
      };
      value.visit(visitor);
      out << YAML::EndMap;
    } else if constexpr (detail::is_vector<T>::value) {
      out << YAML::BeginSeq;
      for (auto& x : value) write(out, x);
      out << YAML::EndSeq;
    } else if constexpr (detail::is_string_map<T>::value) {
      out << YAML::BeginMap;
      for (auto& [k, x] : value) {
        out << YAML::Key << k << YAML::Value;
        write(out, x);
      }
      out << YAML::EndMap;
    } else if constexpr (std::is_same_v<T, bool>) {
      out << (value ? "true" : "false");
    } else if constexpr (std::is_same_v<T, std::string>) {
      out << YAML::DoubleQuoted << value;
    } else if constexpr (std::is_floating_point_v<T>) {
      out << detail::shortest(static_cast<double>(value));
    } else {
      out << value;
    }
  }
};

// Parses `a.b.c=value` into a YAML tree {a: {b: {c: "value"}}}, the value kept as raw text;
// Reader parses it by the type of the key it lands on.
YAML::Node override_node(const std::string& assignment);

// Loads `path` (if not empty) into `cfg`, then applies `overrides` in order.
template <class T>
void load(T& cfg, const std::string& path, const std::vector<std::string>& overrides) {
  if (!path.empty()) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
      throw Error("cannot open config file", path);
    } catch (const YAML::ParserException& e) {
      throw Error("YAML syntax error: " + e.msg, path + ":" + std::to_string(e.mark.line + 1));
    }
    Reader(Source{path, true}).read(root, cfg, "");
  }
  for (const auto& o : overrides) {
    YAML::Node node = override_node(o);
    Reader(Source{"override '" + o + "'", false}).read(node, cfg, "");
  }
}

template <class T>
std::string dump(T cfg) {
  YAML::Emitter out;
  out.SetIndent(2);
  Writer().write(out, cfg);
  return std::string(out.c_str()) + "\n";
}

}  // namespace vlmforge::config
