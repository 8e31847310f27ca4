#include "train/logging/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace vlmforge::train {

namespace {

std::string printf_string(const char* format, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, a);
  return buf;
}

int terminal_width(std::FILE* out) {
  winsize ws{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 100;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds >= 0.0) || !std::isfinite(seconds)) return "?";
  auto s = static_cast<int64_t>(std::llround(seconds));
  const int64_t days = s / 86400;
  s %= 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return days > 0 ? std::to_string(days) + "d " + buf : buf;
}

std::string format_rate(double r) {
  if (!std::isfinite(r) || r < 0) return "?";
  if (r >= 1e6) return printf_string("%.2fM", r / 1e6);
  if (r >= 1e3) return printf_string("%.2fk", r / 1e3);
  return printf_string("%.1f", r);
}

std::string format_progress_fields(const ProgressStats& s) {
  std::string line = std::to_string(s.step);
  if (s.total > 0) line += "/" + std::to_string(s.total);
  line += "  loss " + printf_string("%.4f", s.loss);
  line += "  lr " + printf_string("%.2e", s.lr);
  line += "  " + format_rate(s.samples_per_s) + " samples/s";
  line += "  " + format_rate(s.tokens_per_s) + " tok/s";
  if (s.total > 0) line += "  ETA " + format_duration(s.eta_s);
  return line;
}

std::string format_progress_bar(const ProgressStats& s, int width) {
  const std::string fields = format_progress_fields(s);
  if (s.total <= 0) return fields;
  const int cells = std::min(30, width - static_cast<int>(fields.size()) - 4);
  if (cells < 5) return fields;
  const double frac = std::clamp(static_cast<double>(s.step) / static_cast<double>(s.total), 0.0, 1.0);
  const int full = static_cast<int>(frac * cells);
  std::string bar = "[";
  for (int i = 0; i < cells; ++i) bar += i < full ? "\u2588" : "\u2591";  // █ / ░
  return bar + "]  " + fields;
}

ProgressBar::ProgressBar(int64_t total, int64_t start_step, std::FILE* out, int tty, int64_t every)
    : out_(out),
      tty_(tty < 0 ? ::isatty(::fileno(out)) != 0 : tty != 0),
      every_(std::max<int64_t>(every, 1)),
      start_step_(start_step),
      start_(Clock::now()) {
  stats_.total = total;
  stats_.step = start_step;
}

void ProgressBar::update(int64_t step, double loss, double lr, int64_t samples, int64_t tokens) {
  samples_ += samples;
  tokens_ += tokens;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  stats_.step = step;
  stats_.loss = loss;
  stats_.lr = lr;
  stats_.samples_per_s = elapsed > 0 ? samples_ / elapsed : 0.0;
  stats_.tokens_per_s = elapsed > 0 ? tokens_ / elapsed : 0.0;
  const int64_t done = step - start_step_;
  stats_.eta_s = (stats_.total > 0 && done > 0) ? (stats_.total - step) * elapsed / done : -1.0;
  if (tty_) {
    const std::string line = format_progress_bar(stats_, terminal_width(out_) - 1);
    std::fprintf(out_, "\r\033[K%s", line.c_str());  // carriage return + clear to end of line
    line_open_ = true;
  } else if (step % every_ == 0 || step == stats_.total) {
    std::fprintf(out_, "step %s\n", format_progress_fields(stats_).c_str());
  }
  std::fflush(out_);
}

void ProgressBar::message(const std::string& text) {
  if (line_open_) std::fprintf(out_, "\r\033[K");
  std::fprintf(out_, "%s\n", text.c_str());
  if (line_open_) std::fprintf(out_, "%s", format_progress_bar(stats_, terminal_width(out_) - 1).c_str());
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (line_open_) std::fprintf(out_, "\n");
  line_open_ = false;
  std::fflush(out_);
}

}  // namespace vlmforge::train
