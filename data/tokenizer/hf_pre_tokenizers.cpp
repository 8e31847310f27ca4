// tokenizer.json pre-tokenizers: Split, ByteLevel, Metaspace, Digits, Whitespace,
// WhitespaceSplit, Punctuation, Sequence. Splitting follows Hugging Face's
// SplitDelimiterBehavior exactly (Removed, Isolated, MergedWithPrevious, MergedWithNext,
// Contiguous; `invert` swaps which parts count as matches); empty pieces are dropped.
#include <nlohmann/json.hpp>

#include "data/tokenizer/byte_level.h"
#include "data/tokenizer/hf_components.h"
#include "data/tokenizer/json_fields.h"
#include "data/tokenizer/regex.h"

namespace vlmforge::tokenizer {

namespace {

using Span = std::pair<uint32_t, uint32_t>;

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parse_behavior(const std::string& s, const std::string& where) {
  if (s == "Removed") return Behavior::Removed;
  if (s == "Isolated") return Behavior::Isolated;
  if (s == "MergedWithPrevious") return Behavior::MergedWithPrevious;
  if (s == "MergedWithNext") return Behavior::MergedWithNext;
  if (s == "Contiguous") return Behavior::Contiguous;
  throw Error("unknown split behavior \"" + s + "\"", where);
}

// Splits every span of `pieces` around the matches of `re`.
void split_pieces(PieceList& pieces, const Regex& re, bool invert, Behavior behavior) {
  thread_local std::vector<std::pair<size_t, size_t>> matches;
  thread_local std::vector<std::pair<Span, bool>> parts;
  std::vector<Span> out;
  out.reserve(pieces.spans.size() * 4);
  const std::string_view text(pieces.text);
  for (const Span& sp : pieces.spans) {
    matches.clear();
    re.find_all(text.substr(sp.first, sp.second - sp.first), matches);
    // The span as alternating (part, is_match), gaps included.
    parts.clear();
    uint32_t pos = sp.first;
    for (auto [b, e] : matches) {
      uint32_t mb = sp.first + static_cast<uint32_t>(b), me = sp.first + static_cast<uint32_t>(e);
      if (pos < mb) parts.push_back({{pos, mb}, invert});
      parts.push_back({{mb, me}, !invert});
      pos = me;
    }
    if (pos < sp.second) parts.push_back({{pos, sp.second}, invert});

    const size_t first_out = out.size();
    switch (behavior) {
      case Behavior::Removed:
        for (auto& [s, m] : parts)
          if (!m) out.push_back(s);
        break;
      case Behavior::Isolated:
        for (auto& [s, m] : parts) out.push_back(s);
        break;
      case Behavior::MergedWithPrevious: {
        bool prev_match = false;
        for (auto& [s, m] : parts) {
          if (m && !prev_match && out.size() > first_out)
            out.back().second = s.second;
          else
            out.push_back(s);
          prev_match = m;
        }
        break;
      }
      case Behavior::MergedWithNext: {
        // Walk backwards: a match is merged into the part after it.
        std::vector<Span> rev;
        bool prev_match = false;
        for (size_t k = parts.size(); k-- > 0;) {
          auto& [s, m] = parts[k];
          if (m && !prev_match && !rev.empty())
            rev.back().first = s.first;
          else
            rev.push_back(s);
          prev_match = m;
        }
        out.insert(out.end(), rev.rbegin(), rev.rend());
        break;
      }
      case Behavior::Contiguous: {
        bool prev_match = false;
        for (auto& [s, m] : parts) {
          if (m == prev_match && out.size() > first_out)
            out.back().second = s.second;
          else
            out.push_back(s);
          prev_match = m;
        }
        break;
      }
    }
  }
  pieces.spans.clear();
  for (const Span& s : out)
    if (s.second > s.first) pieces.spans.push_back(s);
}

// Rebuilds `pieces.text` span by span through `fn(view, out)`.
template <class F>
void rewrite_pieces(PieceList& pieces, F fn) {
  std::string text;
  text.reserve(pieces.text.size() * 2);
  std::vector<Span> spans;
  spans.reserve(pieces.spans.size());
  const std::string_view src(pieces.text);
  for (size_t k = 0; k < pieces.spans.size(); ++k) {
    const Span& sp = pieces.spans[k];
    uint32_t b = static_cast<uint32_t>(text.size());
    fn(k, src.substr(sp.first, sp.second - sp.first), text);
    uint32_t e = static_cast<uint32_t>(text.size());
    if (e > b) spans.push_back({b, e});
  }
  pieces.text = std::move(text);
  pieces.spans = std::move(spans);
}

class SplitPreTokenizer : public PreTokenizer {
 public:
  SplitPreTokenizer(const std::string& pattern, bool is_regex, Behavior b, bool invert,
                    const std::string& where)
      : re_(pattern, !is_regex, where), behavior_(b), invert_(invert) {}
  void apply(PieceList& pieces) const override {
    split_pieces(pieces, re_, invert_, behavior_);
  }

 private:
  Regex re_;
  Behavior behavior_;
  bool invert_;
};

// GPT-2's pre-tokenization regex, used by ByteLevel with use_regex = true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  enum class Prepend { Always, First, Never };
  MetaspacePreTokenizer(std::string replacement, Prepend scheme, bool split,
                        const std::string& where)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split),
        re_(replacement_, true, where) {}
  void apply(PieceList& pieces) const override {
    const bool at_start = pieces.at_input_start;
    const std::vector<Span> original = pieces.spans;
    rewrite_pieces(pieces, [&](size_t k, std::string_view s, std::string& out) {
      size_t b = out.size();
      for (char c : s) {
        if (c == ' ')
          out += replacement_;
        else
          out += c;
      }
      bool starts = out.compare(b, replacement_.size(), replacement_) == 0;
      bool first = at_start && original[k].first == 0;
      if (!starts && (scheme_ == Prepend::Always || (scheme_ == Prepend::First && first)))
        out.insert(b, replacement_);
    });
    if (split_) split_pieces(pieces, re_, false, Behavior::MergedWithNext);
  }

 private:
  std::string replacement_;
  Prepend scheme_;
  bool split_;
  Regex re_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> s)
      : steps_(std::move(s)) {}
  void apply(PieceList& pieces) const override {
    for (const auto& s : steps_) s->apply(pieces);
  }
  PreTokenizer* last() const { return steps_.empty() ? nullptr : steps_.back().get(); }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

}  // namespace

ByteLevelPreTokenizer::ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
    : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {
  if (use_regex_)
    split_ = std::make_unique<SplitPreTokenizer>(kGpt2Pattern, true, Behavior::Isolated, false,
                                                 "ByteLevel");
}

void ByteLevelPreTokenizer::apply(PieceList& pieces) const {
  if (add_prefix_space_) {
    rewrite_pieces(pieces, [](size_t, std::string_view s, std::string& out) {
      if (s.empty() || s[0] != ' ') out += ' ';
      out.append(s);
    });
  }
  if (split_) split_->apply(pieces);
  if (map_bytes_) {
    const auto& table = byte_level_table();
    rewrite_pieces(pieces, [&](size_t, std::string_view s, std::string& out) {
      for (unsigned char c : s) out += table.byte_to_utf8[c];
    });
  }
}

PreTokenizer* last_pre_tokenizer(PreTokenizer* p) {
  while (auto* seq = dynamic_cast<SequencePreTokenizer*>(p)) p = seq->last();
  return p;
}

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j,
                                                 const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, where);
  if (type == "Split") {
    bool is_regex = false;
    std::string pattern = pattern_field(j, is_regex, where);
    return std::make_unique<SplitPreTokenizer>(
        pattern, is_regex, parse_behavior(field<std::string>(j, "behavior", where), where),
        field_or<bool>(j, "invert", false, where), where);
  }
  if (type == "ByteLevel") {
    return std::make_unique<ByteLevelPreTokenizer>(
        field_or<bool>(j, "add_prefix_space", true, where),
        field_or<bool>(j, "use_regex", true, where));
  }
  if (type == "Metaspace") {
    std::string rep = field_or<std::string>(j, "replacement", "\xE2\x96\x81", where);
    auto scheme = MetaspacePreTokenizer::Prepend::Always;
    if (j.contains("prepend_scheme")) {
      std::string s = field<std::string>(j, "prepend_scheme", where);
      if (s == "always") scheme = MetaspacePreTokenizer::Prepend::Always;
      else if (s == "first") scheme = MetaspacePreTokenizer::Prepend::First;
      else if (s == "never") scheme = MetaspacePreTokenizer::Prepend::Never;
      else throw Error("unknown Metaspace prepend_scheme \"" + s + "\"", where);
    } else if (!field_or<bool>(j, "add_prefix_space", true, where)) {
      scheme = MetaspacePreTokenizer::Prepend::Never;
    }
    return std::make_unique<MetaspacePreTokenizer>(rep, scheme, field_or<bool>(j, "split", true, where),
                                                   where);
  }
  if (type == "Digits") {
    bool individual = field_or<bool>(j, "individual_digits", false, where);
    return std::make_unique<SplitPreTokenizer>(individual ? R"(\p{N})" : R"(\p{N}+)", true,
                                               Behavior::Isolated, false, where);
  }
  if (type == "Whitespace")
    return std::make_unique<SplitPreTokenizer>(R"(\w+|[^\w\s]+)", true, Behavior::Removed, true,
                                               where);
  if (type == "WhitespaceSplit")
    return std::make_unique<SplitPreTokenizer>(R"(\s+)", true, Behavior::Removed, false, where);
  if (type == "Punctuation") {
    Behavior b = parse_behavior(field_or<std::string>(j, "behavior", "Isolated", where), where);
    // Unicode punctuation plus all ASCII punctuation (Rust's is_ascii_punctuation).
    return std::make_unique<SplitPreTokenizer>(R"([\p{P}!-/:-@\[-`{-~])", true, b, false, where);
  }
  if (type == "Sequence") {
    const auto& list = require_field(j, "pretokenizers", where);
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_pre_tokenizer(list[i], where + ".pretokenizers[" + std::to_string(i) + "]");
      if (p) steps.push_back(std::move(p));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  throw Error("unsupported pre-tokenizer type \"" + type + "\"", where,
              "supported: Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit, "
              "Punctuation, Sequence");
}

}  // namespace vlmforge::tokenizer
