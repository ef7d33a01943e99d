#pragma once
// A small wrapper over SQLite for the relay's two databases (audit/store.cc: the audit log;
// relay/store/user_store.cc: the accounts), so that sqlite3.h stays in this folder. A Database
// owns one connection; a Statement owns one prepared statement of it and must not outlive it.
// A Database may be used from several threads (SQLite's serialized mode); a Statement from one
// thread at a time.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace telemaint::sqlite {

class Statement;

class Database {
 public:
  enum class Mode { kReadOnly, kReadWrite };
  // Opens (kReadWrite: creating) the file, with a 5 s busy timeout. The error is SQLite's.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, Mode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(const char* sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // `what`, and SQLite's own message for the last failure, as a Status::Io.
  Status Error(const std::string& what) const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  // Parameters count from 1. Each call copies the value.
  void Bind(int index, std::string_view text);
  void Bind(int index, int64_t value);
  void BindBlob(int index, ByteView blob);
  // Steps once: kRow (a row to read), kDone, or kError (and kConstraint for a constraint).
  enum class Step { kRow, kDone, kConstraint, kError };
  Step Next();
  // Clears the bindings' state so the statement can run again (and releases its locks).
  void Reset();

  // Columns count from 0; valid until the next step.
  std::string Text(int column) const;
  int64_t Int(int column) const;
  Bytes Blob(int column) const;

 private:
  friend class Database;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_;
};

}  // namespace telemaint::sqlite
