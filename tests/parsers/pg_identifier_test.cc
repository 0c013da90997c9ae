#include "parsers/pg_identifier.h"

#include <doctest/doctest.h>

namespace dbanon {
namespace {

TEST_CASE("config keys name tables as PostgreSQL identifiers after unquoting") {
  CHECK(*TableNameFromConfigKey("customer") == TableName{"public", "customer"});
  CHECK(*TableNameFromConfigKey("sales.customer") == TableName{"sales", "customer"});
  CHECK(*TableNameFromConfigKey("Client List") == TableName{"public", "Client List"});
  CHECK(*TableNameFromConfigKey("public.Client List") == TableName{"public", "Client List"});
  CHECK(*TableNameFromConfigKey("\"my.schema\".\"user\"\"s\"") == TableName{"my.schema", "user\"s"});
  CHECK(*TableNameFromConfigKey("crm.\"Customer\"") == TableName{"crm", "Customer"});
  CHECK(*TableNameFromConfigKey("\"Order Items\"") == TableName{"public", "Order Items"});
  CHECK_FALSE(TableNameFromConfigKey("a.b.c").ok());
  CHECK_FALSE(TableNameFromConfigKey("").ok());
  CHECK_FALSE(TableNameFromConfigKey(".t").ok());
  CHECK_FALSE(TableNameFromConfigKey("\"open").ok());
}

TEST_CASE("display quotes names like pg_dump does") {
  CHECK(TableName{"public", "customer"}.Display() == "public.customer");
  CHECK(TableName{"public", "Client List"}.Display() == "public.\"Client List\"");
  CHECK(TableName{"we\"ird", "t1"}.Display() == "\"we\"\"ird\".t1");
}

}  // namespace
}  // namespace dbanon
