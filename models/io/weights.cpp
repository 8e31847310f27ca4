#include "models/io/weights.h"

#include "models/awq.h"
#include "models/core/error.h"
#include "models/io/safetensors.h"

#include <sstream>

namespace vlmforge {

TensorSource TensorSource::from_reader(std::shared_ptr<SafetensorsReader> r) {
  TensorSource s;
  s.origin = r->source();
  s.contains = [r](const std::string& n) { return r->contains(n); };
  s.get = [r](const std::string& n) { return r->get(n); };
  s.names = [r]() { return r->names(); };
  return s;
}

TensorSource TensorSource::from_map(std::map<std::string, torch::Tensor> tensors,
                                    const std::string& origin) {
  auto m = std::make_shared<std::map<std::string, torch::Tensor>>(std::move(tensors));
  TensorSource s;
  s.origin = origin;
  s.contains = [m](const std::string& n) { return m->count(n) != 0; };
  s.get = [m, origin](const std::string& n) {
    auto it = m->find(n);
    if (it == m->end()) throw Error("no tensor '" + n + "'", origin);
    return it->second;
  };
  s.names = [m]() {
    std::vector<std::string> v;
    for (const auto& kv : *m) v.push_back(kv.first);
    return v;
  };
  return s;
}

std::string map_name(const std::string& name, const LoadOptions& opts) {
  for (const auto& [from, to] : opts.rename)
    if (name.compare(0, from.size(), from) == 0) return to + name.substr(from.size());
  return name;
}

namespace {
std::string shape_str(torch::IntArrayRef s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

size_t load_params(const ParamList& slots, const TensorSource& src, const LoadOptions& opts) {
  torch::NoGradGuard no_grad;
  size_t filled = 0;
  for (const ParamSlot& slot : slots) {
    const std::string name = map_name(slot.name, opts);
    torch::Tensor dst = slot.view();
    torch::Tensor t;
    if (src.contains(name)) {
      t = src.get(name);
    } else if (opts.awq_group_size > 0 && ends_with(name, ".weight") &&
               src.contains(name.substr(0, name.size() - 7) + ".qweight")) {
      const std::string base = name.substr(0, name.size() - 7);
      for (const char* part : {".qzeros", ".scales"})
        if (!src.contains(base + part))
          throw Error("missing tensor '" + base + part + "'", src.origin,
                      "an AWQ layer needs qweight, qzeros and scales");
      t = awq_dequantize(src.get(base + ".qweight"), src.get(base + ".qzeros"),
                         src.get(base + ".scales"), opts.awq_group_size, dst.scalar_type(),
                         src.origin + ": " + base);
    } else if (opts.allow_missing) {
      continue;
    } else {
      throw Error("missing tensor '" + name + "' (model parameter " + slot.name + ")",
                  src.origin, "the checkpoint does not match the configured architecture");
    }
    if (t.sizes() != dst.sizes())
      throw Error("tensor '" + name + "' has shape " + shape_str(t.sizes()) +
                      " but the model expects " + shape_str(dst.sizes()),
                  src.origin, "check config.json against the weights");
    dst.copy_(t);
    ++filled;
  }
  return filled;
}

}  // namespace vlmforge
