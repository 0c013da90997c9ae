#include "src/config.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "src/plan.h"

namespace dbanon {
namespace {

std::string ErrorOf(std::string_view toml) {
  auto config = ParseConfig(toml, "dbanon.toml");
  if (!config.ok()) return std::string(config.status().message());
  auto plan = RunPlan::Create(*config, "salt");
  if (!plan.ok()) return std::string(plan.status().message());
  return "";
}

TEST_CASE("a DbToolsBundle-shaped config loads") {
  auto config = ParseConfig(R"(
salt = "pepper"
[tables.customer]
email = "email"
note = { anonymizer = "constant", options = { value = "x" } }
[tables."sales.customer"]
email = "email"
[tables.'"my.schema"."user""s"']
email = { anonymizer = "md5", options = { use_salt = false } }
)",
                            "dbanon.toml");
  REQUIRE_MESSAGE(config.ok(), config.status().message());
  CHECK(*config->salt == "pepper");
  REQUIRE(config->tables.size() == 3);
  std::map<std::string, const TableConfig*> by_key;
  for (const TableConfig& t : config->tables) by_key[t.key] = &t;
  CHECK(by_key.at("customer")->name == TableName{"public", "customer"});
  CHECK(by_key.at("customer")->rules.size() == 2);
  CHECK(by_key.at("customer")->rules[0].position.line == 4);
  CHECK(by_key.at("sales.customer")->name == TableName{"sales", "customer"});
  CHECK(by_key.at("\"my.schema\".\"user\"\"s\"")->name == TableName{"my.schema", "user\"s"});
  CHECK(RunPlan::Create(*config, "salt").ok());
}

TEST_CASE("config errors give the file, line and column, and name the key") {
  CHECK(ErrorOf("[tables.customer]\nemail = \"emial\"\n") ==
        "dbanon.toml:2:9: table 'customer', key 'email': unknown anonymizer 'emial' (see 'dbanon list')");
  CHECK(ErrorOf("[tables.customer]\nnote = { anonymizer = \"constant\" }\n") ==
        "dbanon.toml:2:8: table 'customer', key 'note': option 'value' is required");
  CHECK(ErrorOf("[tables.customer]\nnote = { anonymizer = \"constant\", options = { value = \"x\", vlaue = 1 } }\n") ==
        "dbanon.toml:2:8: table 'customer', key 'note': unknown option 'vlaue' for anonymizer 'constant'");
  CHECK(ErrorOf("[tables.customer]\nnote = { anonymizer = \"constant\", target = \"x\" }\n") ==
        "dbanon.toml:2:35: table 'customer', key 'note': unknown key 'target' (expected 'anonymizer' and 'options')");
  CHECK(ErrorOf("sallt = \"x\"\n") == "dbanon.toml:1:1: unknown key 'sallt' (expected 'salt', 'salt_file', 'strict', 'large_objects' or 'tables')");
  CHECK(ErrorOf("[tables.customer]\nemail = 3\n").find("dbanon.toml:2:9: ") == 0);
  CHECK(ErrorOf("salt = \n").find("dbanon.toml:1:") == 0);
  CHECK(ErrorOf("[tables.\"a.b.c\"]\nx = \"null\"\n").find("dbanon.toml:1:") == 0);
  CHECK(ErrorOf("[tables.customer]\nemail = { anonymizer = \"email\", options = { use_salt = \"no\" } }\n")
            .find("option 'use_salt' must be true or false") != std::string::npos);
}

TEST_CASE("a configured column missing from the dump's column list is an error naming the closest column") {
  auto config = ParseConfig("[tables.customer]\nemial = \"email\"\n", "dbanon.toml");
  REQUIRE(config.ok());
  auto plan = RunPlan::Create(*config, "salt");
  REQUIRE(plan.ok());
  auto row = (*plan)->Resolve(TableName{"public", "customer"}, {"id", "email"});
  REQUIRE_FALSE(row.ok());
  CHECK(std::string(row.status().message()) ==
        "column 'emial' of table public.customer is configured (dbanon.toml:2) but is not in the dump's column list "
        "for that table; did you mean 'email'?");
  auto other = (*plan)->Resolve(TableName{"public", "other"}, {"id"});
  REQUIRE(other.ok());
  CHECK(*other == nullptr);
}

TEST_CASE("a configured table the dump does not hold is an error naming the closest table it holds") {
  struct Case {
    const char* key;
    TableName held;
    const char* closest;
  };
  for (const Case& c : {Case{"users", {"app", "users"}, "did you mean app.users?"},
                        Case{"Users", {"public", "users"}, "did you mean public.users?"},
                        Case{"custmer", {"public", "customer"}, "did you mean public.customer?"},
                        Case{"shop.users", {"crm", "users"}, "did you mean crm.users?"}}) {
    CAPTURE(c.key);
    auto config = ParseConfig(std::string("[tables.") + (std::string(c.key).find('.') != std::string::npos ?
                                  std::string("\"") + c.key + "\"" : c.key) + "]\nemail = \"email\"\n",
                              "c.toml");
    REQUIRE(config.ok());
    auto plan = RunPlan::Create(*config, "salt");
    REQUIRE(plan.ok());
    (*plan)->SawColumns(c.held, {"id", "email"}, false);
    absl::Status s = (*plan)->SchemaComplete();
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(s.message()).starts_with("c.toml:1:1: table '"));
    CHECK(std::string(s.message()).find(c.closest) != std::string::npos);
  }
}

TEST_CASE("with allow-missing, configured tables that never appear in the dump are warnings") {
  auto config = ParseConfig("[tables.customer]\nemail = \"email\"\n[tables.gone]\nx = \"null\"\n", "c.toml");
  REQUIRE(config.ok());
  auto plan = RunPlan::Create(*config, "salt");
  REQUIRE(plan.ok());
  (*plan)->SetAllowMissing(true);
  (*plan)->SawTable(TableName{"public", "customer"});
  CHECK((*plan)->SchemaComplete().ok());
  auto warnings = (*plan)->Warnings();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] ==
        "c.toml:3:1: warning: table 'gone' (public.gone) is configured but the dump holds no such table "
        "(--allow-missing)");
}

TEST_CASE("a config that configures no table, or only a salt, is an error") {
  for (const char* text : {"", "salt = \"x\"\n", "strict = true\n", "[tables]\n"}) {
    auto config = ParseConfig(text, "c.toml");
    REQUIRE(config.ok());
    CHECK(CheckConfiguresSomething(*config).code() == absl::StatusCode::kInvalidArgument);
  }
}

TEST_CASE("a config path that is a folder is an error, not an empty config") {
  auto config = LoadConfig(".");
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(config.status().message()) == ".: the config is not a regular file");
}

TEST_CASE("strict mode lists every uncovered table.column at once, table keep and truncate cover all") {
  auto config = ParseConfig(
      "strict = true\n[tables.customer]\nemail = \"email\"\nid = \"keep\"\n[tables.audit]\nkeep = true\n"
      "[tables.session]\ntruncate = true\n[tables.orders]\nnote = \"null\"\n",
      "c.toml");
  REQUIRE(config.ok());
  CHECK(config->strict);
  auto plan = RunPlan::Create(*config, "salt");
  REQUIRE(plan.ok());
  (*plan)->SawColumns({"public", "customer"}, {"id", "email", "phone_2"}, false);
  (*plan)->SawColumns({"public", "audit"}, {"id", "what"}, false);
  (*plan)->SawColumns({"public", "session"}, {"id", "token"}, false);
  (*plan)->SawColumns({"public", "orders"}, {"id", "note"}, false);
  (*plan)->SawColumns({"public", "extra"}, {"x"}, false);
  absl::Status s = (*plan)->CheckCoverage();
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).ends_with("public.customer.phone_2, public.extra.x, public.orders.id"));
  CHECK_FALSE((*plan)->IsConfigured({"public", "audit"}));  // keep: copied unread
  auto audit = (*plan)->Resolve({"public", "audit"}, {"id", "what"});
  REQUIRE(audit.ok());
  CHECK(*audit == nullptr);
}

TEST_CASE("table keep = true takes no column rules and no truncate") {
  CHECK_FALSE(ParseConfig("[tables.t]\nkeep = true\nx = \"null\"\n", "c.toml").ok());
  CHECK_FALSE(ParseConfig("[tables.t]\nkeep = true\ntruncate = true\n", "c.toml").ok());
  CHECK_FALSE(ParseConfig("strict = \"yes\"\n[tables.t]\nkeep = true\n", "c.toml").ok());
  auto column = ParseConfig("[tables.t]\nkeep = \"md5\"\n", "c.toml");  // a column named keep
  REQUIRE(column.ok());
  CHECK_FALSE(column->tables[0].keep);
  CHECK(column->tables[0].rules.size() == 1);
}

TEST_CASE("-v summary: every table with rows and anonymized, kept, truncated or uncovered") {
  auto config = ParseConfig("[tables.customer]\nemail = \"email\"\n[tables.audit]\nkeep = true\n"
                            "[tables.session]\ntruncate = true\n",
                            "c.toml");
  REQUIRE(config.ok());
  auto plan = RunPlan::Create(*config, "salt");
  REQUIRE(plan.ok());
  for (const char* t : {"customer", "audit", "session", "other"}) {
    (*plan)->SawTable({"public", t});
    (*plan)->SawColumns({"public", t}, {"id", "email"}, true);
    (*plan)->CountRows({"public", t}, 2);
  }
  CHECK((*plan)->Summary() == std::vector<std::string>{"public.audit: 2 rows, kept",
                                                       "public.customer: 2 rows, anonymized (uncovered: id)",
                                                       "public.other: 2 rows, uncovered",
                                                       "public.session: 2 rows, truncated"});
}

TEST_CASE("the salt comes from --salt-file, then DBANON_SALT, then the config; short or empty salts are refused") {
  auto config = ParseConfig("salt = \"config salt, long enough\"\n", "c.toml");
  REQUIRE(config.ok());
  auto s = ResolveSalt(*config, std::nullopt, nullptr);
  REQUIRE(s.ok());
  CHECK(**s == "config salt, long enough");
  s = ResolveSalt(*config, std::nullopt, "environment salt 0123");
  REQUIRE(s.ok());
  CHECK(**s == "environment salt 0123");
  s = ResolveSalt(*config, std::nullopt, "");
  REQUIRE_FALSE(s.ok());
  CHECK(std::string(s.status().message()).find("DBANON_SALT is empty") != std::string::npos);
  s = ResolveSalt(*config, std::nullopt, "short");
  REQUIRE_FALSE(s.ok());
  CHECK(std::string(s.status().message()).find("short") == std::string::npos);  // never the salt itself
  auto none = ParseConfig("[tables.t]\nc = \"md5\"\n", "c.toml");
  REQUIRE(none.ok());
  s = ResolveSalt(*none, std::nullopt, nullptr);
  REQUIRE(s.ok());
  CHECK_FALSE(s->has_value());
  auto empty = ParseConfig("salt = \"\"\n", "c.toml");
  REQUIRE(empty.ok());
  s = ResolveSalt(*empty, std::nullopt, nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(std::string(s.status().message()).find("c.toml:1:8: 'salt' is empty") == 0);
  auto both = ParseConfig("salt = \"0123456789abcdefg\"\nsalt_file = \"x\"\n", "c.toml");
  REQUIRE_FALSE(both.ok());
  CHECK(std::string(both.status().message()).find("c.toml:2:1: ") == 0);
  s = ResolveSalt(*config, std::string("/nonexistent/salt.txt"), nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(std::string(s.status().message()) == "/nonexistent/salt.txt: cannot read the salt file");
}

}  // namespace
}  // namespace dbanon
