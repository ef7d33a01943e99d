#include "audit/sqlite/database.h"

#include <sqlite3.h>

namespace telemaint::sqlite {

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  const int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Io(why);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() { sqlite3_close(db_); }

Status Database::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return Status::Ok();
  std::string message = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return Status::Io(message);
}

Result<Statement> Database::Prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error("cannot prepare a statement");
  }
  return Statement(stmt);
}

int64_t Database::Changes() const { return sqlite3_changes(db_); }

Status Database::Error(const std::string& what) const {
  return Status::Io(what + ": " + sqlite3_errmsg(db_));
}

Statement::Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void Statement::BindBlob(int index, ByteView blob) {
  sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
}

Statement::Step Statement::Next() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW: return Step::kRow;
    case SQLITE_DONE: return Step::kDone;
    case SQLITE_CONSTRAINT: return Step::kConstraint;
    default: return Step::kError;
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  return text ? reinterpret_cast<const char*>(text) : "";
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

Bytes Statement::Blob(int column) const {
  const auto* blob = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  return blob ? Bytes(blob, blob + sqlite3_column_bytes(stmt_, column)) : Bytes();
}

}  // namespace telemaint::sqlite
