// The `vlmforge` subcommands. Each takes its arguments (after the subcommand name) and returns
// the process exit code; user errors are thrown as vlmforge::Error and printed by main().
#pragma once

#include <string>
#include <vector>

namespace vlmforge::cli {

using Args = std::vector<std::string>;

int cmd_synth(const Args& args);
int cmd_train(const Args& args);
int cmd_eval(const Args& args);
int cmd_export(const Args& args);
int cmd_predict(const Args& args);
int cmd_tokenize(const Args& args);
int cmd_inspect(const Args& args);
int cmd_launch(const Args& args);

// For a subcommand whose capability has not landed yet: says so on stderr, returns 2.
int not_landed(const std::string& command, const std::string& capability);

}  // namespace vlmforge::cli
