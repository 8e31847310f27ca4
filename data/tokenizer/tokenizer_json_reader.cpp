#include "data/tokenizer/tokenizer_json_reader.h"

#include "models/core/error.h"

namespace vlmforge::tokenizer {

namespace {

using json = nlohmann::json;

bool split_merge(const std::string& s, std::pair<std::string, std::string>& out) {
  size_t sp = s.find(' ');
  if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos) return false;
  out.first = s.substr(0, sp);
  out.second = s.substr(sp + 1);
  return true;
}

// SAX handler: captures model.vocab / model.merges, forwards everything else to the DOM builder.
class Reader : public nlohmann::json_sax<json> {
 public:
  Reader(TokenizerJson& out, std::string where) : out_(out), dom_(out.doc), where_(std::move(where)) {}

  bool null() override { return scalar([&] { return dom_.null(); }); }
  bool boolean(bool v) override { return scalar([&] { return dom_.boolean(v); }); }
  bool number_integer(number_integer_t v) override {
    if (mode_ == Mode::Vocab) return vocab_entry(v);
    return scalar([&] { return dom_.number_integer(v); });
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (mode_ == Mode::Vocab) return vocab_entry(static_cast<int64_t>(v));
    return scalar([&] { return dom_.number_unsigned(v); });
  }
  bool number_float(number_float_t v, const string_t& s) override {
    return scalar([&] { return dom_.number_float(v, s); });
  }
  bool string(string_t& v) override {
    if (mode_ == Mode::Merges) {
      std::pair<std::string, std::string> m;
      if (!split_merge(v, m)) bad("merge \"" + v + "\" is not two tokens separated by one space");
      out_.merges.push_back(std::move(m));
      return true;
    }
    if (mode_ == Mode::MergePair) {
      if (pair_len_ == 0) pair_.first = std::move(v);
      else if (pair_len_ == 1) pair_.second = std::move(v);
      ++pair_len_;
      return true;
    }
    return scalar([&] { return dom_.string(v); });
  }
  bool binary(binary_t& v) override { return scalar([&] { return dom_.binary(v); }); }

  bool start_object(std::size_t n) override {
    if (mode_ == Mode::Forward && pending_ == Pending::Vocab) {
      pending_ = Pending::None;
      mode_ = Mode::Vocab;
      out_.has_vocab = true;
      capture_depth_ = depth_++;
      return true;
    }
    if (mode_ != Mode::Forward) bad("unexpected object");
    if (pending_ != Pending::None) bad("\"merges\" is not an array");
    enter();
    return dom_.start_object(n);
  }
  bool key(string_t& k) override {
    if (mode_ == Mode::Vocab) {
      vocab_key_ = std::move(k);
      return true;
    }
    if (depth_ == 2 && in_model_ && (k == "vocab" || k == "merges")) {
      pending_ = k == "vocab" ? Pending::Vocab : Pending::Merges;
      return true;
    }
    last_key_ = k;
    return dom_.key(k);
  }
  bool end_object() override {
    if (mode_ == Mode::Vocab && depth_ - 1 == capture_depth_) {
      --depth_;
      mode_ = Mode::Forward;
      return true;
    }
    leave();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) override {
    if (mode_ == Mode::Forward && pending_ == Pending::Merges) {
      pending_ = Pending::None;
      mode_ = Mode::Merges;
      out_.has_merges = true;
      capture_depth_ = depth_++;
      return true;
    }
    if (mode_ == Mode::Merges) {
      mode_ = Mode::MergePair;
      pair_len_ = 0;
      ++depth_;
      return true;
    }
    if (mode_ != Mode::Forward) bad("unexpected array");
    if (pending_ != Pending::None) bad("\"vocab\" is not an object");
    enter();
    return dom_.start_array(n);
  }
  bool end_array() override {
    if (mode_ == Mode::MergePair) {
      if (pair_len_ != 2) bad("merge is not a pair [\"a\", \"b\"]");
      out_.merges.push_back(std::move(pair_));
      mode_ = Mode::Merges;
      --depth_;
      return true;
    }
    if (mode_ == Mode::Merges && depth_ - 1 == capture_depth_) {
      --depth_;
      mode_ = Mode::Forward;
      return true;
    }
    leave();
    return dom_.end_array();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw Error(std::string("malformed JSON: ") + e.what(), where_,
                "the file must be a Hugging Face tokenizer.json");
  }

 private:
  enum class Mode { Forward, Vocab, Merges, MergePair };
  enum class Pending { None, Vocab, Merges };

  template <class F>
  bool scalar(F forward) {
    if (mode_ == Mode::Vocab) bad("vocab id of \"" + vocab_key_ + "\" is not an integer");
    if (mode_ != Mode::Forward) bad("merge entries must be strings");
    if (pending_ != Pending::None) bad("\"vocab\"/\"merges\" has the wrong type");
    return forward();
  }
  bool vocab_entry(int64_t id) {
    if (id < 0 || id > INT32_MAX) bad("vocab id of \"" + vocab_key_ + "\" is out of range");
    out_.vocab.emplace_back(std::move(vocab_key_), static_cast<int32_t>(id));
    return true;
  }
  // Containers in forward mode: depth 1 is the root object, depth 2 a member of it.
  void enter() {
    ++depth_;
    model_stack_.push_back(depth_ == 2 && last_key_ == "model");
    in_model_ = model_stack_.back();
  }
  void leave() {
    --depth_;
    model_stack_.pop_back();
    in_model_ = !model_stack_.empty() && model_stack_.back();
  }
  [[noreturn]] void bad(const std::string& what) const { throw Error(what, where_ + ": model"); }

  TokenizerJson& out_;
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::string where_;
  Mode mode_ = Mode::Forward;
  Pending pending_ = Pending::None;
  int depth_ = 0, capture_depth_ = -1;
  bool in_model_ = false;
  std::vector<bool> model_stack_;
  std::string last_key_, vocab_key_;
  std::pair<std::string, std::string> pair_;
  int pair_len_ = 0;
};

}  // namespace

TokenizerJson read_tokenizer_json(const std::string& text, const std::string& where) {
  TokenizerJson out;
  Reader reader(out, where);
  json::sax_parse(text, &reader);
  return out;
}

TokenizerJson split_tokenizer_json(json j, const std::string& where) {
  TokenizerJson out;
  if (j.is_object() && j.contains("model") && j["model"].is_object()) {
    json& model = j["model"];
    if (model.contains("vocab")) {
      if (!model["vocab"].is_object()) throw Error("\"vocab\" is not an object", where + ": model");
      out.has_vocab = true;
      for (auto& [tok, id] : model["vocab"].items()) {
        if (!id.is_number_integer())
          throw Error("vocab id of \"" + tok + "\" is not an integer", where + ": model");
        out.vocab.emplace_back(tok, id.get<int32_t>());
      }
      model.erase("vocab");
    }
    if (model.contains("merges")) {
      if (!model["merges"].is_array())
        throw Error("\"merges\" is not an array", where + ": model");
      out.has_merges = true;
      for (const auto& m : model["merges"]) {
        std::pair<std::string, std::string> p;
        if (m.is_string()) {
          if (!split_merge(m.get<std::string>(), p))
            throw Error("merge \"" + m.get<std::string>() +
                            "\" is not two tokens separated by one space",
                        where + ": model");
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
          p = {m[0].get<std::string>(), m[1].get<std::string>()};
        } else {
          throw Error("merge is neither \"a b\" nor [\"a\", \"b\"]", where + ": model");
        }
        out.merges.push_back(std::move(p));
      }
      model.erase("merges");
    }
  }
  out.doc = std::move(j);
  return out;
}

}  // namespace vlmforge::tokenizer
