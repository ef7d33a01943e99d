#pragma once
// Reading a secret from the terminal without echo, or a line from a non-terminal stdin.
#include <optional>
#include <string>

namespace telemaint {

// Prints `prompt` on stderr and reads one line from the terminal with echo off. nullopt when
// there is no terminal to ask.
std::optional<std::string> PromptSecret(const std::string& prompt);
// Reads one line from standard input (for --password-stdin); nullopt at end of input.
std::optional<std::string> ReadLineFromStdin();

}  // namespace telemaint
