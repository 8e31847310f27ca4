// tokenizer.json post-processors for single sequences: TemplateProcessing, BertProcessing,
// RobertaProcessing, ByteLevel (ids unchanged), Sequence.
#include <nlohmann/json.hpp>

#include "data/tokenizer/hf_components.h"
#include "data/tokenizer/json_fields.h"

namespace vlmforge::tokenizer {

namespace {

// The "single" template: special-token ids around the sequence "$A".
class TemplateProcessor : public PostProcessor {
 public:
  TemplateProcessor(std::vector<int32_t> before, std::vector<int32_t> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  void process(std::vector<int32_t>& ids) const override {
    ids.insert(ids.begin(), before_.begin(), before_.end());
    ids.insert(ids.end(), after_.begin(), after_.end());
  }
  int32_t leading_special_id() const override { return before_.empty() ? -1 : before_[0]; }

 private:
  std::vector<int32_t> before_, after_;
};

class NoOpProcessor : public PostProcessor {
 public:
  void process(std::vector<int32_t>&) const override {}
};

class SequenceProcessor : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> s)
      : steps_(std::move(s)) {}
  void process(std::vector<int32_t>& ids) const override {
    for (const auto& s : steps_) s->process(ids);
  }
  int32_t leading_special_id() const override {
    for (const auto& s : steps_)
      if (s->leading_special_id() >= 0) return s->leading_special_id();
    return -1;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

std::unique_ptr<PostProcessor> make_template(const nlohmann::json& j, const std::string& where) {
  const auto& single = require_field(j, "single", where);
  const auto& specials = field_or<nlohmann::json>(j, "special_tokens", nlohmann::json::object(),
                                                  where);
  std::vector<int32_t> before, after;
  bool seen_sequence = false;
  for (size_t i = 0; i < single.size(); ++i) {
    const std::string w = where + ".single[" + std::to_string(i) + "]";
    const auto& item = single[i];
    if (item.contains("Sequence")) {
      if (field<std::string>(item["Sequence"], "id", w) != "A")
        throw Error("single template refers to a sequence other than $A", w);
      if (seen_sequence) throw Error("single template repeats $A", w);
      seen_sequence = true;
    } else if (item.contains("SpecialToken")) {
      std::string name = field<std::string>(item["SpecialToken"], "id", w);
      auto it = specials.find(name);
      if (it == specials.end())
        throw Error("special token \"" + name + "\" is not in special_tokens", w);
      auto ids = field<std::vector<int32_t>>(*it, "ids", where + ".special_tokens." + name);
      (seen_sequence ? after : before).insert((seen_sequence ? after : before).end(), ids.begin(),
                                              ids.end());
    } else {
      throw Error("template item is neither Sequence nor SpecialToken", w);
    }
  }
  if (!seen_sequence) throw Error("single template has no $A", where + ".single");
  return std::make_unique<TemplateProcessor>(std::move(before), std::move(after));
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& j,
                                                   const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, where);
  if (type == "TemplateProcessing") return make_template(j, where);
  if (type == "ByteLevel") return std::make_unique<NoOpProcessor>();
  if (type == "BertProcessing" || type == "RobertaProcessing") {
    // "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]
    auto id_of = [&](const char* key) {
      const auto& pair = require_field(j, key, where);
      if (!pair.is_array() || pair.size() != 2 || !pair[1].is_number_integer())
        throw Error(std::string("\"") + key + "\" is not [token, id]", where);
      return pair[1].get<int32_t>();
    };
    return std::make_unique<TemplateProcessor>(std::vector<int32_t>{id_of("cls")},
                                               std::vector<int32_t>{id_of("sep")});
  }
  if (type == "Sequence") {
    const auto& list = require_field(j, "processors", where);
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_post_processor(list[i], where + ".processors[" + std::to_string(i) + "]");
      if (p) steps.push_back(std::move(p));
    }
    return std::make_unique<SequenceProcessor>(std::move(steps));
  }
  throw Error("unsupported post-processor type \"" + type + "\"", where,
              "supported: TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, "
              "Sequence");
}

}  // namespace vlmforge::tokenizer
