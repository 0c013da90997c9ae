#include "src/flags.h"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace dbanon {
namespace {

std::string ReadSourceFile(const std::string& path) {
  std::ifstream f(std::string(DBANON_SOURCE_DIR) + "/" + path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), path);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// True when `text` holds `word` not followed by another letter of a flag
// name ("--schema" is not found in "--schemas").
bool HasWord(const std::string& text, const std::string& word) {
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    const bool more = end < text.size() && ((text[end] >= 'a' && text[end] <= 'z') || text[end] == '-');
    if (!more) return true;
  }
  return false;
}

// The manual page with groff's "\-" as "-".
std::string ManPage() {
  std::string man = ReadSourceFile("docs/dbanon.1");
  std::string out;
  for (size_t i = 0; i < man.size(); ++i) {
    if (man[i] == '\\' && i + 1 < man.size() && man[i + 1] == '-') continue;
    out.push_back(man[i]);
  }
  return out;
}

TEST_CASE("every flag of each command is in its --help, in the manual page and in the bash completion") {
  const std::string man = ManPage();
  const std::string completion = ReadSourceFile("docs/dbanon.bash-completion");
  for (const FlagSpec& f : AllFlags()) {
    const std::string long_name = std::string("--") + f.long_name;
    const std::string short_name = f.short_name != '\0' ? std::string("-") + f.short_name : "";
    for (Command command : {Command::kRun, Command::kCheck}) {
      if ((f.commands & static_cast<unsigned>(command)) == 0) continue;
      const std::string help(UsageText(command));
      CHECK_MESSAGE(HasWord(help, long_name), long_name, " in --help of ", static_cast<unsigned>(command));
      if (!short_name.empty()) {
        CHECK_MESSAGE(HasWord(help, short_name + ","), short_name, " in --help of ", static_cast<unsigned>(command));
      }
    }
    CHECK_MESSAGE(HasWord(man, long_name), long_name, " in docs/dbanon.1");
    CHECK_MESSAGE(HasWord(completion, long_name), long_name, " in docs/dbanon.bash-completion");
    if (!short_name.empty()) {
      CHECK_MESSAGE(HasWord(man, short_name), short_name, " in docs/dbanon.1");
      CHECK_MESSAGE(HasWord(completion, short_name), short_name, " in docs/dbanon.bash-completion");
    }
  }
}

TEST_CASE("no two flags share a long name or a short letter, and every flag belongs to a command") {
  std::set<std::string> long_names;
  std::set<char> short_names;
  for (const FlagSpec& f : AllFlags()) {
    CHECK_MESSAGE(long_names.insert(f.long_name).second, f.long_name);
    if (f.short_name != '\0') CHECK_MESSAGE(short_names.insert(f.short_name).second, f.long_name);
    CHECK_MESSAGE(f.commands != 0, f.long_name);
  }
}

TEST_CASE("a command's flags are read by long name, short letter and value; the arguments follow") {
  std::vector<std::string> words = {"check", "-c", "a.toml", "dump.sql", "--format", "mysql", "--suggest", "-j4"};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  FlagReader reader(static_cast<int>(argv.size()), argv.data(), Command::kCheck);
  CHECK(reader.Next() == Flag::kConfig);
  CHECK(std::string(reader.value()) == "a.toml");
  CHECK(reader.Next() == Flag::kFormat);
  CHECK(std::string(reader.value()) == "mysql");
  CHECK(reader.Next() == Flag::kSuggest);
  CHECK(reader.Next() == Flag::kThreads);
  CHECK(std::string(reader.value()) == "4");
  CHECK(reader.Next() == Flag::kEnd);
  REQUIRE(reader.first_argument() < static_cast<int>(argv.size()));
  CHECK(std::string(argv[reader.first_argument()]) == "dump.sql");
}

TEST_CASE("a flag of the other command is unknown, and named as written") {
  std::vector<std::string> words = {"check", "--salt-file", "s"};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  FlagReader reader(static_cast<int>(argv.size()), argv.data(), Command::kCheck);
  CHECK(reader.Next() == Flag::kUnknown);
  CHECK(std::string(reader.bad_flag()) == "--salt-file");
}

TEST_CASE("-j and --format are parsed the same for both commands, with the usage messages") {
  CHECK(*ParseThreadsFlag("8") == 8);
  CHECK(ParseThreadsFlag("0").status().message() == "dbanon: -j takes a number of threads from 1 to 256");
  CHECK(!ParseThreadsFlag("257").ok());
  CHECK(*ParseFormatFlag("sqlite") == DumpFormat::kSqlite);
  CHECK(ParseFormatFlag("oracle").status().message() == "dbanon: --format takes pg, mysql or sqlite");
}

}  // namespace
}  // namespace dbanon
