#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parsers/insert_framer.h"

namespace dbanon {
namespace {

std::vector<std::string> Links(std::string_view statement) {
  std::vector<std::string> out;
  for (const ParentLink& l : PgParentLinks(statement)) out.push_back(l.child.Display() + " < " + l.parent.Display());
  return out;
}

TEST_CASE("pg_dump 15's ATTACH PARTITION links a partition to its parent") {
  CHECK(Links("ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_y2024m01 FOR VALUES FROM "
              "('2024-01-01') TO ('2024-02-01');") ==
        std::vector<std::string>{"public.measurements_y2024m01 < public.measurements"});
  CHECK(Links("ALTER TABLE IF EXISTS ONLY \"S\".\"Big Table\" ATTACH PARTITION \"S\".p1 DEFAULT") ==
        std::vector<std::string>{"\"S\".p1 < \"S\".\"Big Table\""});
  CHECK(Links("ALTER TABLE only_t ATTACH PARTITION p FOR VALUES IN (1)") ==
        std::vector<std::string>{"public.p < public.only_t"});
}

TEST_CASE("CREATE TABLE ... PARTITION OF and INHERITS link a table to its parents") {
  CHECK(Links("CREATE TABLE public.m_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO "
              "('2025-01-01') PARTITION BY RANGE (logdate);") ==
        std::vector<std::string>{"public.m_2024 < public.measurements"});
  CHECK(Links("CREATE TABLE public.employee (\n    salary integer\n)\nINHERITS (public.person, other.tagged);") ==
        std::vector<std::string>{"public.employee < public.person", "public.employee < other.tagged"});
  CHECK(Links("ALTER TABLE ONLY public.employee INHERIT public.person;") ==
        std::vector<std::string>{"public.employee < public.person"});
}

TEST_CASE("statements that link nothing give no link") {
  CHECK(Links("CREATE TABLE public.measurements (id integer, logdate date) PARTITION BY RANGE (logdate);").empty());
  CHECK(Links("ALTER TABLE public.person OWNER TO postgres;").empty());
  CHECK(Links("ALTER TABLE ONLY public.m DETACH PARTITION public.p;").empty());
  CHECK(Links("COPY public.m (id) FROM stdin;").empty());
  CHECK(Links("").empty());
}

}  // namespace
}  // namespace dbanon
