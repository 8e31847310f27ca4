// Writes the scalars listed in a JSON file with vlmforge's TensorBoardWriter, so
// tests/reference/eval_tensorboard_reference.py can read them back with tbparse / TensorBoard.
//   input:  [{"tags": ["a", "b"], "values": [1.0, 2.0], "step": 3, "wall_time": 1.7e9}, ...]
//           (one event per entry; several tags = one event with several values)
//   output: the event file's path on stdout
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "train/logging/tensorboard.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: eval_tensorboard_tool SCALARS.json LOG_DIR\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  const auto entries = nlohmann::json::parse(in);
  vlmforge::train::TensorBoardWriter writer(argv[2]);
  for (const auto& e : entries) {
    std::vector<std::pair<std::string, double>> values;
    for (size_t i = 0; i < e.at("tags").size(); ++i)
      values.emplace_back(e["tags"][i].get<std::string>(), e["values"][i].get<double>());
    if (values.size() == 1)
      writer.add_scalar(values[0].first, values[0].second, e.at("step").get<int64_t>(), e.at("wall_time").get<double>());
    else
      writer.add_scalars(values, e.at("step").get<int64_t>(), e.at("wall_time").get<double>());
  }
  std::cout << writer.path() << "\n";
  return 0;
}
