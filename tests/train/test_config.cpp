// YAML -> typed config: values land in the structs, and every mistake names file:line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/core/error.h"
#include "train/config/config.h"

namespace fs = std::filesystem;
using namespace vlmforge;

namespace {

std::string write_yaml(const std::string& name, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("vlmforge_cfg_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

// Runs `f`, expects vlmforge::Error, returns its message.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

}  // namespace

TEST(Config, DefaultsWhenNoFile) {
  RootConfig c = config::load_root("", {});
  EXPECT_EQ(c.train.batch_size, 8);
  EXPECT_EQ(c.data.chat.template_name, "chatml");
  ASSERT_EQ(c.train.stages.size(), 1u);
}

TEST(Config, FileValuesAndNestedLists) {
  auto p = write_yaml("ok.yaml", R"(
train:
  batch_size: 4
  weight_decay: 0.05
  activation_checkpointing: llm
  stages:
    - name: projector
      steps: 100
      trainable: [projector]
      lr: {projector: 1.0e-3}
    - name: lora
      steps: 200
      trainable: [projector, lora]
      lr: {projector: 2e-5, lora: 2e-4}
  lora:
    r: 8
data:
  tokenizer: tok.json
)");
  RootConfig c = config::load_root(p, {});
  EXPECT_EQ(c.train.batch_size, 4);
  EXPECT_DOUBLE_EQ(c.train.weight_decay, 0.05);
  EXPECT_EQ(c.train.activation_checkpointing, "llm");
  ASSERT_EQ(c.train.stages.size(), 2u);
  EXPECT_EQ(c.train.stages[1].name, "lora");
  EXPECT_EQ(c.train.stages[1].trainable, (std::vector<std::string>{"projector", "lora"}));
  EXPECT_DOUBLE_EQ(c.train.stages[1].lr.at("lora"), 2e-4);
  EXPECT_EQ(c.train.lora.r, 8);
  EXPECT_DOUBLE_EQ(c.train.lora.alpha, 32.0);  // default kept
  EXPECT_EQ(c.data.tokenizer, "tok.json");
}

TEST(Config, UnknownKeyNamesFileLineAndPath) {
  auto p = write_yaml("unknown.yaml", "train:\n  batch_size: 4\n  bach_size: 2\n");
  std::string msg = error_of([&] { config::load_root(p, {}); });
  EXPECT_NE(msg.find(p + ":3: train.bach_size"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'train.batch_size'"), std::string::npos) << msg;
}

TEST(Config, UnknownTopLevelSection) {
  auto p = write_yaml("top.yaml", "trian:\n  batch_size: 4\n");
  std::string msg = error_of([&] { config::load_root(p, {}); });
  EXPECT_NE(msg.find(p + ":1: trian"), std::string::npos) << msg;
}

TEST(Config, WrongTypesNameKeyAndLine) {
  auto p = write_yaml("type.yaml", "train:\n  seed: 1\n  batch_size: eight\n");
  std::string msg = error_of([&] { config::load_root(p, {}); });
  EXPECT_NE(msg.find(p + ":3: train.batch_size"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected an integer, got 'eight'"), std::string::npos) << msg;

  auto p2 = write_yaml("type2.yaml", "train:\n  stages:\n    - name: a\n      steps: 1.5\n");
  msg = error_of([&] { config::load_root(p2, {}); });
  EXPECT_NE(msg.find(p2 + ":4: train.stages[0].steps"), std::string::npos) << msg;

  auto p3 = write_yaml("type3.yaml", "train:\n  lora: 3\n");
  msg = error_of([&] { config::load_root(p3, {}); });
  EXPECT_NE(msg.find("train.lora"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected a mapping"), std::string::npos) << msg;

  auto p4 = write_yaml("type4.yaml", "train:\n  save_full_weights: maybe\n");
  msg = error_of([&] { config::load_root(p4, {}); });
  EXPECT_NE(msg.find(":2: train.save_full_weights"), std::string::npos) << msg;

  auto p5 = write_yaml("type5.yaml", "train:\n  stages: {name: x}\n");
  msg = error_of([&] { config::load_root(p5, {}); });
  EXPECT_NE(msg.find("train.stages"), std::string::npos) << msg;
}

TEST(Config, SyntaxErrorNamesLine) {
  auto p = write_yaml("syntax.yaml", "train:\n  batch_size: [1, 2\n  seed: 3\n");
  std::string msg = error_of([&] { config::load_root(p, {}); });
  EXPECT_NE(msg.find(p + ":"), std::string::npos) << msg;
  EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;
}

TEST(Config, MissingFile) {
  std::string msg = error_of([&] { config::load_root("/nonexistent/x.yaml", {}); });
  EXPECT_NE(msg.find("/nonexistent/x.yaml"), std::string::npos) << msg;
}

TEST(Config, OverridesApplyAfterTheFile) {
  auto p = write_yaml("ov.yaml", "train:\n  batch_size: 4\n  stages:\n    - {name: a, steps: 10}\n    - {name: b, steps: 20}\n");
  RootConfig c = config::load_root(
      p, {"train.batch_size=2", "train.stages.1.steps=99", "data.tokenizer=/x/t.json",
          "train.stages.0.trainable=[projector, llm]", "train.lora.alpha=1e1"});
  EXPECT_EQ(c.train.batch_size, 2);
  EXPECT_EQ(c.train.stages[0].steps, 10);
  EXPECT_EQ(c.train.stages[1].steps, 99);
  EXPECT_EQ(c.train.stages[0].trainable, (std::vector<std::string>{"projector", "llm"}));
  EXPECT_EQ(c.data.tokenizer, "/x/t.json");
  EXPECT_DOUBLE_EQ(c.train.lora.alpha, 10.0);
}

TEST(Config, BadOverridesNameTheKey) {
  std::string msg = error_of([&] { config::load_root("", {"train.lrr=1"}); });
  EXPECT_NE(msg.find("override 'train.lrr=1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("train.lrr"), std::string::npos) << msg;

  msg = error_of([&] { config::load_root("", {"train.batch_size=big"}); });
  EXPECT_NE(msg.find("train.batch_size"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected an integer, got 'big'"), std::string::npos) << msg;

  msg = error_of([&] { config::load_root("", {"train.stages.5.steps=1"}); });
  EXPECT_NE(msg.find("index out of range"), std::string::npos) << msg;

  msg = error_of([&] { config::load_root("", {"=3"}); });
  EXPECT_NE(msg.find("key.path=value"), std::string::npos) << msg;

  msg = error_of([&] { config::load_root("", {"train..seed=3"}); });
  EXPECT_NE(msg.find("empty component"), std::string::npos) << msg;
}

TEST(Config, DumpRoundTrips) {
  RootConfig c = config::load_root("", {"train.batch_size=3", "train.stages.0.lr.llm=5e-5",
                                        "data.tokenizer=a: b #1"});
  std::string text = config::dump_root(c);
  EXPECT_NE(text.find("batch_size: 3"), std::string::npos);
  auto p = write_yaml("dump.yaml", text);
  RootConfig back = config::load_root(p, {});
  EXPECT_EQ(config::dump_root(back), text);
  EXPECT_EQ(back.data.tokenizer, "a: b #1");
  EXPECT_DOUBLE_EQ(back.train.stages[0].lr.at("llm"), 5e-5);
}
