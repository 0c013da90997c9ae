#include "src/yaml_config.h"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace dbanon {
namespace {

TEST_CASE("a YAML spec's plain scalars are typed as YAML says, quoted ones stay strings") {
  auto config = ParseYamlConfig(
      "customer:\n  age: {anonymizer: integer, options: {min: 18, max: '90'}}\n"
      "  email: {anonymizer: email, options: {use_salt: false}}\n"
      "  price: {anonymizer: float, options: {delta: 2.5}}\n",
      "c.yaml", std::nullopt);
  REQUIRE_MESSAGE(config.ok(), config.status().message());
  REQUIRE(config->tables.size() == 1);
  const TableConfig& t = config->tables[0];
  CHECK(t.name == TableName{"public", "customer"});
  REQUIRE(t.rules.size() == 3);
  CHECK(t.rules[0].target == "age");
  CHECK(std::get<int64_t>(t.rules[0].options.at("min").v) == 18);
  CHECK(std::get<std::string>(t.rules[0].options.at("max").v) == "90");
  CHECK(t.rules[0].options.at("min").line == 2);
  CHECK(std::get<bool>(t.rules[1].options.at("use_salt").v) == false);
  CHECK(std::get<double>(t.rules[2].options.at("delta").v) == 2.5);
  CHECK(t.rules[1].position.line == 3);
  CHECK(t.rules[1].position.column == 10);
}

TEST_CASE("a config file is YAML by its extension or by its first meaningful line") {
  CHECK(LooksLikeYamlConfig("db_tools.yaml", "[tables.x]\n"));
  CHECK(LooksLikeYamlConfig("a.yml", ""));
  CHECK_FALSE(LooksLikeYamlConfig("dbanon.toml", "customer:\n"));
  CHECK(LooksLikeYamlConfig("conf", "# comment\n\ncustomer:\n  email: email\n"));
  CHECK(LooksLikeYamlConfig("conf", "---\ncustomer: {}\n"));
  CHECK_FALSE(LooksLikeYamlConfig("conf", "# c\n[tables.customer]\nemail = \"email\"\n"));
  CHECK_FALSE(LooksLikeYamlConfig("conf", "salt = \"a: b\"\n"));
}

TEST_CASE("faker.* and fr_fr.* anonymizers are refused with the built-in to use instead") {
  auto faker = ParseYamlConfig("user:\n  name: faker.firstName\n", "c.yaml", std::nullopt);
  REQUIRE_FALSE(faker.ok());
  CHECK(std::string(faker.status().message()) ==
        "c.yaml:2:9: table 'user', target 'name': anonymizer 'faker.firstName' (DbToolsBundle's Faker pack) is not "
        "available without PHP; replace with 'firstname' (see 'dbanon list')");
  auto old = ParseYamlConfig("user:\n  prenom: fr_fr.firstname\n", "c.yaml", std::nullopt);
  REQUIRE_FALSE(old.ok());
  CHECK(std::string(old.status().message()).find("is spelt 'fr-fr.firstname'") != std::string::npos);
}

}  // namespace
}  // namespace dbanon

namespace dbanon {
namespace {

std::string WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST_CASE("Symfony's db_tools.yaml: %kernel.project_dir% is the folder of composer.json, when@ENV blocks without anonymization are ignored") {
  char tmpl[] = "/tmp/dbanon-yaml-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  const std::string root = tmpl;
  std::filesystem::create_directories(root + "/config/packages");
  std::filesystem::create_directories(root + "/config/anonymization");
  WriteFile(root + "/composer.json", "{}\n");
  WriteFile(root + "/config/anonymization/default.yaml", "customer:\n  email: email\n");
  const std::string cfg = WriteFile(root + "/config/packages/db_tools.yaml",
                                    "db_tools:\n  storage:\n    root_dir: '%kernel.project_dir%/var/db_tools'\n"
                                    "  anonymization_files:\n    default: '%kernel.project_dir%/config/anonymization/default.yaml'\n"
                                    "when@test:\n  db_tools:\n    storage:\n      root_dir: '/tmp'\n");
  auto config = ParseYamlConfig(std::string(std::istreambuf_iterator<char>(std::ifstream(cfg).rdbuf()), {}), cfg,
                                std::nullopt);
  REQUIRE_MESSAGE(config.ok(), config.status().message());
  REQUIRE(config->tables.size() == 1);
  CHECK(config->tables[0].name == TableName{"public", "customer"});
  // A when@ENV block that sets anonymization is refused, not ignored.
  auto env = ParseYamlConfig("db_tools:\n  anonymization:\n    default:\n      customer:\n        email: email\n"
                             "when@prod:\n  db_tools:\n    anonymization:\n      default:\n        customer:\n"
                             "          phone: fr-fr.phone\n",
                             cfg, std::nullopt);
  REQUIRE_FALSE(env.ok());
  CHECK(std::string(env.status().message()).find("when@prod") != std::string::npos);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace dbanon
