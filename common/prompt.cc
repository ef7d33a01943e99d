#include "common/prompt.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace telemaint {

std::optional<std::string> PromptSecret(const std::string& prompt) {
  FILE* tty = fopen("/dev/tty", "r+");
  if (!tty) return std::nullopt;
  int fd = fileno(tty);
  termios old{};
  if (tcgetattr(fd, &old) != 0) {
    fclose(tty);
    return std::nullopt;
  }
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::fputs(prompt.c_str(), tty);
  std::fflush(tty);
  tcsetattr(fd, TCSAFLUSH, &quiet);
  std::string line;
  int c;
  while ((c = std::fgetc(tty)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
  tcsetattr(fd, TCSAFLUSH, &old);
  std::fputs("\n", tty);
  fclose(tty);
  return line;
}

std::optional<std::string> ReadLineFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace telemaint
