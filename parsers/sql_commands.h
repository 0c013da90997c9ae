// What the SQL-script framers (pg_plain_framer, sql_script_framer) accept as
// the start of a statement. A damaged dump (a flipped byte in a keyword, a
// merged or split statement, a COPY header turned into SQL) must not pass
// through: its text may be data. So the first word of every top-level
// statement must be one of the SQL command words below, and a statement that
// opens with '(' must be a parenthesized query.
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_SQL_COMMANDS_H_
#define DBANON_PARSERS_SQL_COMMANDS_H_

#include <string>
#include <string_view>

namespace dbanon {

// True when `word` (any case) is a command word of PostgreSQL ("SQL
// Commands" in its reference), MySQL/MariaDB or SQLite: ALTER, COPY, CREATE,
// INSERT, PRAGMA, SET, ... (the union, see sql_commands.cc).
bool IsSqlCommandWord(std::string_view word);

// True when `word` (any case) may open a parenthesized query, i.e. follow
// a statement's leading '(': SELECT, VALUES, WITH, TABLE.
bool IsParenthesizedQueryWord(std::string_view word);

// The message for a statement that starts with `word` (as written) when the
// byte after it is `next` (-1 for none): "an unknown SQL command", with "(a
// misspelt INSERT?)" when `word` is plain ASCII letters ending where a
// command word ends (space, line end, ';' or '(') and within two edits of a
// known command of four or more letters. `word` itself is never quoted: it
// may be a value (a COPY data row read as SQL, an e-mail address).
std::string UnknownCommandMessage(std::string_view word, int next);

// The message for an INSERT statement without a VALUES list whose head
// ParseInsertHead reads but that has no DEFAULT VALUES or query after it.
inline constexpr char kUnreadableInsert[] =
    "cannot read this INSERT statement (no VALUES list, DEFAULT VALUES or query after its table)";

}  // namespace dbanon

#endif  // DBANON_PARSERS_SQL_COMMANDS_H_
