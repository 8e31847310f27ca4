#include "data/formats/tar.h"

#include <cstdio>
#include <cstring>

#include "models/core/error.h"

namespace vlmforge::data {
namespace {

constexpr size_t kBlock = 512;

void octal(char* field, size_t width, uint64_t value) {
  // width includes the terminating NUL.
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

uint64_t parse_octal(const char* field, size_t width) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < width && (field[i] == ' ' || field[i] == '\0')) ++i;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  return v;
}

}  // namespace

TarWriter::TarWriter(std::string path) : path_(std::move(path)), out_(path_ + ".tmp", std::ios::binary) {
  if (!out_) throw Error("cannot create file", path_ + ".tmp");
}

TarWriter::~TarWriter() {
  if (!closed_) {
    out_.close();
    std::remove((path_ + ".tmp").c_str());
  }
}

void TarWriter::add(const std::string& name, const void* data, size_t size) {
  char h[kBlock];
  std::memset(h, 0, sizeof h);
  std::string prefix, base = name;
  if (name.size() > 100) {
    const size_t cut = name.rfind('/', 155);
    if (cut == std::string::npos || name.size() - cut - 1 > 100 || cut > 155)
      throw Error("tar member name too long for ustar: " + name, path_);
    prefix = name.substr(0, cut);
    base = name.substr(cut + 1);
  }
  std::memcpy(h, base.data(), base.size());
  octal(h + 100, 8, 0644);
  octal(h + 108, 8, 0);
  octal(h + 116, 8, 0);
  octal(h + 124, 12, size);
  octal(h + 136, 12, 0);  // mtime 0: shards are reproducible
  std::memset(h + 148, ' ', 8);
  h[156] = '0';
  std::memcpy(h + 257, "ustar", 6);  // magic "ustar\0"
  std::memcpy(h + 263, "00", 2);
  std::memcpy(h + 345, prefix.data(), prefix.size());
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += static_cast<unsigned char>(h[i]);
  std::snprintf(h + 148, 8, "%06o", sum);  // 6 octal digits, NUL, space (POSIX)
  h[155] = ' ';
  out_.write(h, kBlock);
  out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  const size_t pad = (kBlock - size % kBlock) % kBlock;
  static const char zeros[kBlock] = {};
  out_.write(zeros, static_cast<std::streamsize>(pad));
  if (!out_) throw Error("write failed", path_ + ".tmp", "disk full?");
}

void TarWriter::close() {
  if (closed_) return;
  static const char zeros[2 * kBlock] = {};
  out_.write(zeros, sizeof zeros);
  out_.close();
  if (!out_ || std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0)
    throw Error("cannot finish file", path_);
  closed_ = true;
}

std::vector<TarEntry> read_tar(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open tar file", path);
  std::vector<TarEntry> out;
  std::string long_name;
  uint64_t offset = 0;
  char h[kBlock];
  while (in.read(h, kBlock)) {
    const std::string where = path + " @" + std::to_string(offset);
    bool zero = true;
    for (char c : h) zero = zero && c == 0;
    if (zero) break;
    unsigned sum = 0;
    for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    if (sum != parse_octal(h + 148, 8)) throw Error("tar header checksum mismatch", where);
    const uint64_t size = parse_octal(h + 124, 12);
    std::string data(size, '\0');
    if (size && !in.read(&data[0], static_cast<std::streamsize>(size))) throw Error("truncated tar member", where);
    const uint64_t pad = (kBlock - size % kBlock) % kBlock;
    in.ignore(static_cast<std::streamsize>(pad));
    offset += kBlock + size + pad;
    const char type = h[156];
    if (type == 'L') {  // GNU long name for the next member
      long_name = data.c_str();
      continue;
    }
    if (type == 'x') {  // pax: "len path=value\n" records
      size_t p = 0;
      while (p < data.size()) {
        const size_t sp = data.find(' ', p);
        if (sp == std::string::npos) break;
        const size_t len = std::stoul(data.substr(p, sp - p));
        const std::string rec = data.substr(sp + 1, len - (sp - p) - 2);
        if (rec.rfind("path=", 0) == 0) long_name = rec.substr(5);
        p += len;
      }
      continue;
    }
    if (type != '0' && type != '\0') {
      long_name.clear();
      continue;
    }
    std::string name;
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    } else {
      name.assign(h, strnlen(h, 100));
      if (std::memcmp(h + 257, "ustar", 5) == 0 && h[345] != 0)
        name = std::string(h + 345, strnlen(h + 345, 155)) + "/" + name;
    }
    out.push_back({std::move(name), std::move(data)});
  }
  return out;
}

std::vector<WebDatasetSample> read_webdataset_shard(const std::string& path) {
  std::vector<WebDatasetSample> samples;
  for (auto& e : read_tar(path)) {
    const size_t slash = e.name.rfind('/');
    const size_t dot = e.name.find('.', slash == std::string::npos ? 0 : slash + 1);
    if (dot == std::string::npos) continue;
    const std::string key = e.name.substr(0, dot), ext = e.name.substr(dot + 1);
    if (samples.empty() || samples.back().key != key) samples.push_back({key, {}});
    samples.back().files[ext] = std::move(e.data);
  }
  return samples;
}

}  // namespace vlmforge::data
