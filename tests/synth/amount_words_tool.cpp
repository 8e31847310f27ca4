// Reads amounts in kopecks (one per line) from stdin and prints amount_in_words() of each, for
// the num2words reference test (tests/reference/synth_amount_words.py).
#include <iostream>
#include <string>

#include "synth/values/amount_words.h"

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::cout << vlmforge::synth::amount_in_words(std::stoll(line)) << '\n';
  }
  return 0;
}
