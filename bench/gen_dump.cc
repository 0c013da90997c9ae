// Writes a synthetic dump of one 8-column `users` table to standard output,
// shaped like the real tools' output, for the end-to-end benchmark:
//
//   gen_dump pg SIZE_BYTES      pg_dump -Fp layout, data in one COPY block
//   gen_dump mysql SIZE_BYTES   mariadb-dump layout, extended INSERTs of ~1 MB
//   gen_dump mysql-one-line SIZE_BYTES   the same data in ONE INSERT on one line
//   gen_dump employees-pg ROWS      short rows: pg_dump -Fp layout, one COPY block
//   gen_dump employees-mysql ROWS   the same rows: mariadb-dump layout,
//                                   extended INSERTs of 2,000 rows
//
// `users` columns: id, email, first_name, last_name, phone, address,
// created_at, bio (bio and address carry escapes: tab, newline, backslash,
// quote); stops after the row that crosses SIZE. `employees` is the shape of
// MySQL's employees sample database (emp_no, birth_date, first_name,
// last_name, gender, hire_date: about 57 bytes a row in COPY, 70 in an
// INSERT), with every first name and every last name distinct. The same seed
// always gives the same bytes.
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

// 64 syllables, consonant-vowel or consonant-vowel-consonant: a word made of
// them parses back into its syllables in one way only (a syllable never
// starts with a vowel), so distinct syllable sequences are distinct words.
constexpr std::string_view kSyllables[64] = {
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "da", "fu", "go", "ha", "je", "ki", "la",
    "ma", "no", "pe", "ri", "so", "ta", "ve", "zo", "bar", "del", "fin", "gor", "han", "jos", "kel", "lin",
    "mar", "nor", "pen", "ros", "sel", "tan", "vor", "wil", "ber", "dor", "fan", "gil", "hor", "jan", "kor", "len",
    "mon", "nel", "pas", "ren", "sim", "ton", "val", "wen", "bo", "di", "fe", "gu", "he", "ju", "ko", "le"};

// Appends the `count` syllables of `index` (base 64, capitalized).
void AppendName(std::string* out, uint64_t index, int count) {
  size_t start = out->size();
  for (int i = 0; i < count; ++i) {
    out->append(kSyllables[index & 63]);
    index >>= 6;
  }
  (*out)[start] = static_cast<char>((*out)[start] - 'a' + 'A');
}

// A date from 1952-01-01 on, `span_days` long, as YYYY-MM-DD (28-day months
// keep every date valid).
void AppendDate(std::string* out, int first_year, int span_years) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", first_year + int(Below(span_years)), int(1 + Below(12)),
                int(1 + Below(28)));
  out->append(buf);
}

// The employees table, `rows` rows from emp_no 10001. First names use 4
// syllables (2^24 words, at most 12 bytes: varchar(14)) and last names 5
// (2^30 words, at most 15 bytes: varchar(16)); the word number is the row
// number times an odd constant modulo the word count, a bijection, so no two
// rows share a first or a last name.
int Employees(bool pg, uint64_t rows) {
  if (rows >= (uint64_t{1} << 24)) {
    std::fprintf(stderr, "gen_dump: at most 16777215 employees rows\n");
    return 2;
  }
  std::string out;
  out.reserve(4 << 20);
  if (pg) {
    out.append(
        "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.18\n\n"
        "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n\n"
        "CREATE TABLE public.employees (\n    emp_no integer NOT NULL,\n    birth_date date NOT NULL,\n"
        "    first_name character varying(14) NOT NULL,\n    last_name character varying(16) NOT NULL,\n"
        "    gender character(1) NOT NULL,\n    hire_date date NOT NULL\n);\n\n"
        "--\n-- Data for Name: employees; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n"
        "COPY public.employees (emp_no, birth_date, first_name, last_name, gender, hire_date) FROM stdin;\n");
  } else {
    out.append(
        "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost"
        "    Database: employees\n-- ------------------------------------------------------\n\n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!40101 SET NAMES utf8mb4 */;\n\n"
        "DROP TABLE IF EXISTS `employees`;\nCREATE TABLE `employees` (\n  `emp_no` int(11) NOT NULL,\n"
        "  `birth_date` date NOT NULL,\n  `first_name` varchar(14) NOT NULL,\n  `last_name` varchar(16) NOT NULL,\n"
        "  `gender` enum('M','F') NOT NULL,\n  `hire_date` date NOT NULL,\n  PRIMARY KEY (`emp_no`)\n"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n\n"
        "--\n-- Dumping data for table `employees`\n--\n\nLOCK TABLES `employees` WRITE;\n"
        "/*!40000 ALTER TABLE `employees` DISABLE KEYS */;\n");
  }
  const char q = pg ? '\0' : '\'';  // names and dates need no escape in either syntax
  auto field = [&](auto append) {
    if (q) out.push_back(q);
    append();
    if (q) out.push_back(q);
  };
  for (uint64_t i = 0; i < rows; ++i) {
    char num[32];
    std::snprintf(num, sizeof(num), "%" PRIu64, 10001 + i);
    const char sep = pg ? '\t' : ',';
    if (!pg) out.append(i % 2000 == 0 ? "INSERT INTO `employees` VALUES (" : ",(");
    out.append(num).push_back(sep);
    field([&] { AppendDate(&out, 1952, 13); });
    out.push_back(sep);
    field([&] { AppendName(&out, ((i + 1) * 0x9e3779b1ULL) & ((1 << 24) - 1), 4); });
    out.push_back(sep);
    field([&] { AppendName(&out, ((i + 1) * 0x85ebca6bULL) & ((1 << 30) - 1), 5); });
    out.push_back(sep);
    field([&] { out.push_back(Below(2) ? 'M' : 'F'); });
    out.push_back(sep);
    field([&] { AppendDate(&out, 1985, 15); });
    if (pg) {
      out.push_back('\n');
    } else {
      out.push_back(')');
      if (i % 2000 == 1999 || i + 1 == rows) out.append(";\n");
    }
    if (out.size() > (1 << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  out.append(pg ? "\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n"
                : "/*!40000 ALTER TABLE `employees` ENABLE KEYS */;\nUNLOCK TABLES;\n\n-- Dump completed\n");
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && (std::strcmp(argv[1], "employees-pg") == 0 || std::strcmp(argv[1], "employees-mysql") == 0)) {
    return Employees(std::strcmp(argv[1], "employees-pg") == 0, std::strtoull(argv[2], nullptr, 10));
  }
  if (argc != 3 || (std::strcmp(argv[1], "pg") != 0 && std::strcmp(argv[1], "mysql") != 0 &&
                    std::strcmp(argv[1], "mysql-one-line") != 0)) {
    std::fprintf(stderr, "usage: gen_dump pg|mysql|mysql-one-line SIZE_BYTES\n"
                         "       gen_dump employees-pg|employees-mysql ROWS\n");
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
