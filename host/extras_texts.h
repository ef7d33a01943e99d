#pragma once
// What the customer reads about files, chat and the clipboard, in English or French: on the
// terminal (tty_consent.cc) and in the windows (gui/). Placeholders are %s, filled by Fill.
#include <cstdint>
#include <string>

#include "common/language.h"
#include "peer/file_transfers.h"

namespace telemaint::host {

struct ExtrasTexts {
  const char* file_offered;   // "%s wants to send you the file “%s” (%s)."
  const char* file_answer;    // terminal: "Type a and Enter to accept it, d to refuse it."
  const char* file_title;     // the window's title for that question
  const char* file_progress;  // "File “%s”: %s of %s"
  const char* file_received;  // "File received: %s (SHA-256 %s)"
  const char* file_sent;      // "File sent: %s (SHA-256 %s)"
  const char* file_ended;     // "File “%s”: %s" (refused, cancelled, failed: why)
  const char* refused;
  const char* cancelled;
  const char* failed;
  const char* chat_from;  // "Message from %s: %s"
  const char* you;        // who wrote, in the chat: "You"
  const char* tools;      // the terminal's commands during a session
  const char* clipboard_shared;
  const char* clipboard_not_shared;  // the person's switch is on, but no control
  const char* clipboard_off;
  const char* send_file;   // a button: "Send a file to the technician"
  const char* chat;        // a button
  const char* panel_title;  // the window with the chat, the transfers and the clipboard
  const char* send;        // a button
  const char* save;        // a button: save the chat
  const char* cancel;      // a button
  const char* accept;      // a button
  const char* refuse;      // a button
  const char* clipboard;   // a check button
  const char* chat_saved;  // "The conversation was saved in %s."
};

const ExtrasTexts& ExtrasTextsFor(Language language);

// "1.2 MB", "1,2 Mo", "512 bytes", "512 octets".
std::string HumanSize(uint64_t bytes, Language language);
// A transfer's line for the person: its progress, or how it ended (with the SHA-256).
std::string TransferLine(const peer::TransferView& t, Language language);

}  // namespace telemaint::host
