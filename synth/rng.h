// Deterministic random numbers for synthesis. The standard distributions are
// implementation-defined, so every draw here is our own arithmetic on a SplitMix64 stream:
// the same (seed, document index) gives the same document on any machine and any worker count.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace vlmforge::synth {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // The stream of document `index` of a dataset generated with `seed`.
  static Rng for_document(uint64_t seed, uint64_t index) {
    Rng mix(seed * 0x9E3779B97F4A7C15ULL ^ (index + 0x632BE59BD9B4E019ULL));
    mix.next();
    return Rng(mix.next() ^ index);
  }

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [lo, hi] (inclusive).
  int64_t range(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(next() % span);
  }
  int index(size_t n) { return static_cast<int>(next() % n); }
  bool chance(double p) { return uniform() < p; }
  // Standard normal (Box-Muller).
  double normal() {
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[index(v.size())]; }
  const char* pick(std::initializer_list<const char*> v) { return v.begin()[index(v.size())]; }
  // An independent child stream (e.g. one for rendering, one for questions).
  Rng fork() { return Rng(next()); }

 private:
  uint64_t state_;
};

}  // namespace vlmforge::synth
