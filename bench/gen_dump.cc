// Writes a synthetic dump of one 8-column `users` table to standard output,
// shaped like the real tools' output, for the end-to-end benchmark:
//
//   gen_dump pg SIZE_BYTES      pg_dump -Fp layout, data in one COPY block
//   gen_dump mysql SIZE_BYTES   mariadb-dump layout, extended INSERTs of ~1 MB
//   gen_dump mysql-one-line SIZE_BYTES   the same data in ONE INSERT on one line
//
// Columns: id, email, first_name, last_name, phone, address, created_at, bio
// (bio and address carry escapes: tab, newline, backslash, quote). The same
// seed always gives the same bytes; stops after the row that crosses SIZE.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

uint64_t state = 0x9e3779b97f4a7c15ULL;
uint64_t Next() {  // splitmix64
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t Below(uint64_t n) { return Next() % n; }

constexpr std::string_view kFirst[] = {"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
                                       "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
                                       "Thomas", "Sarah", "Charles", "Karen", "Zoë", "Chloé", "José", "Renée", "Anaïs"};
constexpr std::string_view kLast[] = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
                                      "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
                                      "O'Brien", "O'Connell", "Müller", "Dubois", "Nguyen", "Kowalski", "Rossi"};
constexpr std::string_view kStreet[] = {"Main Street", "Oak Avenue", "Pine Road", "Maple Lane", "Cedar Court",
                                        "Elm Street", "rue de la Paix", "Hauptstraße"};
constexpr std::string_view kWords[] = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit",
                                       "sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore",
                                       "magna", "aliqua", "enim", "minim", "veniam", "quis", "nostrud"};

template <size_t N>
std::string_view Pick(const std::string_view (&list)[N]) {
  return list[Below(N)];
}

// Appends `value` escaped for the target syntax.
void AppendCopy(std::string* out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}
void AppendMysql(std::string* out, std::string_view v) {
  out->push_back('\'');
  for (char c : v) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\'': out->append("\\'"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\0': out->append("\\0"); break;
      default: out->push_back(c);
    }
  }
  out->push_back('\'');
}

struct Row {
  std::string email, first, last, phone, address, created, bio;
};

void MakeRow(uint64_t id, Row* r) {
  r->first = Pick(kFirst);
  r->last = Pick(kLast);
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%.*s.%.*s%" PRIu64 "@example.invalid", int(r->first.size()), r->first.data(),
                int(r->last.size()) > 4 ? 4 : int(r->last.size()), r->last.data(), id);
  r->email = buf;
  for (char& c : r->email) {
    if (c == '\'') c = 'x';
  }
  std::snprintf(buf, sizeof(buf), "+1 %03d 555 %04d", int(200 + Below(700)), int(Below(10000)));
  r->phone = buf;
  std::string_view street = Pick(kStreet);
  std::snprintf(buf, sizeof(buf), "%d %.*s\nApt %d", int(1 + Below(9999)), int(street.size()), street.data(),
                int(Below(300)));
  r->address = buf;
  std::snprintf(buf, sizeof(buf), "20%02d-%02d-%02d %02d:%02d:%02d", int(10 + Below(15)), int(1 + Below(12)),
                int(1 + Below(28)), int(Below(24)), int(Below(60)), int(Below(60)));
  r->created = buf;
  r->bio.clear();
  size_t words = 8 + Below(24);
  for (size_t i = 0; i < words; ++i) {
    if (i) r->bio.push_back(Below(12) == 0 ? '\t' : ' ');
    r->bio.append(Pick(kWords));
  }
  r->bio.append(Below(4) == 0 ? "\nIt's a \"quote\" and a back\\slash." : ".");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "pg") != 0 && std::strcmp(argv[1], "mysql") != 0 &&
                    std::strcmp(argv[1], "mysql-one-line") != 0)) {
    std::fprintf(stderr, "usage: gen_dump pg|mysql|mysql-one-line SIZE_BYTES\n");
    return 2;
  }
  const bool pg = std::strcmp(argv[1], "pg") == 0;
  const bool one_line = std::strcmp(argv[1], "mysql-one-line") == 0;
  const uint64_t target = std::strtoull(argv[2], nullptr, 10);
  std::string out;
  out.reserve(4 << 20);
  uint64_t written = 0;
  auto flush = [&] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    written += out.size();
    out.clear();
  };
  Row r;
  if (pg) {
    out.append(
        "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.18\n\n"
        "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n\n"
        "CREATE TABLE public.users (\n    id bigint NOT NULL,\n    email text NOT NULL,\n    first_name text,\n"
        "    last_name text,\n    phone text,\n    address text,\n    created_at timestamp with time zone,\n"
        "    bio text\n);\n\n--\n-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n"
        "COPY public.users (id, email, first_name, last_name, phone, address, created_at, bio) FROM stdin;\n");
    for (uint64_t id = 1; written + out.size() < target; ++id) {
      MakeRow(id, &r);
      char idbuf[32];
      std::snprintf(idbuf, sizeof(idbuf), "%" PRIu64 "\t", id);
      out.append(idbuf);
      for (const std::string* f : {&r.email, &r.first, &r.last, &r.phone, &r.address}) {
        AppendCopy(&out, *f);
        out.push_back('\t');
      }
      out.append(r.created).append("+00\t");
      AppendCopy(&out, r.bio);
      out.push_back('\n');
      if (out.size() > (1 << 20)) flush();
    }
    out.append("\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n");
  } else {
    out.append(
        "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost"
        "    Database: bench\n-- ------------------------------------------------------\n\n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n\n"
        "DROP TABLE IF EXISTS `users`;\nCREATE TABLE `users` (\n  `id` bigint(20) NOT NULL,\n"
        "  `email` varchar(255) NOT NULL,\n  `first_name` varchar(100) DEFAULT NULL,\n"
        "  `last_name` varchar(100) DEFAULT NULL,\n  `phone` varchar(40) DEFAULT NULL,\n  `address` text DEFAULT NULL,\n"
        "  `created_at` datetime DEFAULT NULL,\n  `bio` text DEFAULT NULL,\n  PRIMARY KEY (`id`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n\n"
        "--\n-- Dumping data for table `users`\n--\n\nLOCK TABLES `users` WRITE;\n"
        "/*!40000 ALTER TABLE `users` DISABLE KEYS */;\n");
    size_t statement = 0;  // bytes in the current INSERT
    for (uint64_t id = 1; written + out.size() < target; ++id) {
      MakeRow(id, &r);
      size_t before = out.size();
      if (statement == 0) {
        out.append("INSERT INTO `users` VALUES (");
      } else {
        out.append(",(");
      }
      char idbuf[32];
      std::snprintf(idbuf, sizeof(idbuf), "%" PRIu64 ",", id);
      out.append(idbuf);
      for (const std::string* f : {&r.email, &r.first, &r.last, &r.phone, &r.address, &r.created}) {
        AppendMysql(&out, *f);
        out.push_back(',');
      }
      AppendMysql(&out, r.bio);
      out.push_back(')');
      statement += out.size() - before;
      if (statement > 1000000 && !one_line) {  // mariadb-dump's net_buffer_length default
        out.append(";\n");
        statement = 0;
      }
      if (out.size() > (1 << 20)) flush();
    }
    if (statement) out.append(";\n");
    out.append("/*!40000 ALTER TABLE `users` ENABLE KEYS */;\nUNLOCK TABLES;\n\n-- Dump completed\n");
  }
  flush();
  return 0;
}
