// train/logging: CRC-32C test vectors, metrics JSONL, progress formatting and plain-line output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/core/fs.h"
#include "train/logging/metrics_log.h"
#include "train/logging/progress.h"
#include "train/logging/tensorboard.h"

namespace tr = vlmforge::train;
namespace fs = std::filesystem;

TEST(LoggingTensorBoard, Crc32cTestVectors) {
  // "123456789" -> 0xE3069283 (the CRC-32C check value); 32 zero bytes -> 0x8A9136AA (RFC 3720 B.4).
  EXPECT_EQ(tr::crc32c("123456789", 9), 0xE3069283u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(tr::crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  const uint32_t c = 0xE3069283u;
  EXPECT_EQ(tr::masked_crc32c("123456789", 9), ((c >> 15) | (c << 17)) + 0xa282ead8u);
}

TEST(LoggingTensorBoard, FileNameAndFirstRecord) {
  const fs::path dir = fs::temp_directory_path() / ("vlmforge_tb_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string path;
  {
    tr::TensorBoardWriter w(dir.string());
    path = w.path();
    w.add_scalar("loss", 1.5, 3);
  }
  EXPECT_EQ(fs::path(path).filename().string().rfind("events.out.tfevents.", 0), 0u);
  const std::string bytes = vlmforge::read_file(path);
  ASSERT_GE(bytes.size(), 16u);
  uint64_t length = 0;
  std::memcpy(&length, bytes.data(), 8);
  EXPECT_NE(bytes.find("brain.Event:2"), std::string::npos);
  EXPECT_LT(length + 16, bytes.size());  // a second record (the scalar) follows
  fs::remove_all(dir);
}

TEST(LoggingMetricsLog, AppendsFlushedJsonLines) {
  const fs::path dir = fs::temp_directory_path() / ("vlmforge_ml_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const std::string path = (dir / "sub/metrics.jsonl").string();
  {
    tr::MetricsLog log(path);
    log.log(1, {{"loss", 2.5}, {"lr", 1e-4}});
    // Flushed: visible before the log is closed.
    EXPECT_EQ(vlmforge::read_file(path).find("\"loss\":2.5") != std::string::npos, true);
    log.log(2, {{"loss", NAN}}, "val");
  }
  { tr::MetricsLog again(path); again.write({{"step", 3}, {"note", "resumed"}}); }
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["step"], 1);
  EXPECT_EQ(lines[0]["split"], "train");
  EXPECT_DOUBLE_EQ(lines[0]["lr"].get<double>(), 1e-4);
  EXPECT_TRUE(lines[1]["loss"].is_null());
  EXPECT_EQ(lines[1]["split"], "val");
  EXPECT_EQ(lines[2]["note"], "resumed");
  fs::remove_all(dir);
}

TEST(LoggingProgress, Formatting) {
  EXPECT_EQ(tr::format_duration(3723), "1:02:03");
  EXPECT_EQ(tr::format_duration(59.6), "0:01:00");
  EXPECT_EQ(tr::format_duration(90061), "1d 1:01:01");
  EXPECT_EQ(tr::format_duration(-1), "?");
  EXPECT_EQ(tr::format_rate(4520), "4.52k");
  EXPECT_EQ(tr::format_rate(1.2e6), "1.20M");
  EXPECT_EQ(tr::format_rate(12.34), "12.3");
  tr::ProgressStats s{1200, 5000, 2.34561, 1e-4, 12.3, 4520, 754};
  EXPECT_EQ(tr::format_progress_fields(s),
            "1200/5000  loss 2.3456  lr 1.00e-04  12.3 samples/s  4.52k tok/s  ETA 0:12:34");
  const std::string bar = tr::format_progress_bar(s, 120);
  EXPECT_EQ(bar.rfind("[", 0), 0u);
  EXPECT_NE(bar.find("]  1200/5000"), std::string::npos);
  EXPECT_EQ(tr::format_progress_bar(s, 40), tr::format_progress_fields(s));  // too narrow: no bar
}

TEST(LoggingProgress, PlainLinesWhenNotATerminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  tr::ProgressBar bar(6, 0, f, /*tty=*/0, /*every=*/2);
  for (int step = 1; step <= 6; ++step) bar.update(step, 1.0 / step, 1e-3, 8, 800);
  bar.message("val loss 0.5");
  bar.finish();
  std::rewind(f);
  std::string text;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) text += buf;
  std::fclose(f);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  // Steps 2, 4, 6 are printed (every 2), then the message.
  int lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 4) << text;
  EXPECT_NE(text.find("step 2/6  loss 0.5000"), std::string::npos) << text;
  EXPECT_NE(text.find("step 6/6  loss 0.1667"), std::string::npos) << text;
  EXPECT_NE(text.find("ETA 0:00:00"), std::string::npos) << text;
  EXPECT_EQ(bar.stats().step, 6);
}

TEST(LoggingProgress, RedrawsOneLineOnATerminal) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  tr::ProgressBar bar(4, 0, f, /*tty=*/1, /*every=*/100);
  for (int step = 1; step <= 4; ++step) bar.update(step, 2.0, 1e-4, 2, 100);
  bar.message("checkpoint saved");
  bar.finish();
  std::rewind(f);
  std::string text;
  char buf[1024];
  while (std::fgets(buf, sizeof buf, f)) text += buf;
  std::fclose(f);
  // Every update redraws in place: carriage return + clear line, never a newline of its own.
  size_t redraws = 0;
  for (size_t at = text.find("\r\033[K"); at != std::string::npos; at = text.find("\r\033[K", at + 1)) ++redraws;
  EXPECT_EQ(redraws, 5u);  // 4 updates + clearing the bar before the message
  EXPECT_NE(text.find("4/4  loss 2.0000"), std::string::npos);
  EXPECT_NE(text.find("\r\033[Kcheckpoint saved\n"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');  // finish() ends the redrawn bar's line
}
