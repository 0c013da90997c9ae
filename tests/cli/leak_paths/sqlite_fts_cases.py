"""SQLite full-text tables (issue 11, part 5), for tests/cli/leak_paths_test.py.

The real sqlite3 builds each database and writes its .dump: an FTS table's text sits in its
`_content` shadow table and, term by term, inside the `_data` (FTS5) or `_segdir`/`_segments`
(FTS3/4) blobs, which the runner searches as hex too. A config on the FTS table rewrites
`_content`, drops the index rows and rebuilds the index after `PRAGMA writable_schema=OFF`; a
config on the content table of an external-content FTS5 table rebuilds its index; a contentless
FTS5 table is emptied; a config on an external-content or a contentless FTS4 table is refused.
"""

import subprocess

SALT = 'salt = "leak-paths-test-salt-0123456789"\n'


def dump_of(sql):
    """A `make` callable: sqlite3 runs `sql` in a fresh database and .dump writes the input."""
    def make(tmp):
        db = tmp / "src.db"
        subprocess.run(["sqlite3", "-bail", str(db)], input=sql.encode(), check=True, capture_output=True)
        out = tmp / "in.sql"
        out.write_bytes(subprocess.run(["sqlite3", str(db), ".dump"], check=True, capture_output=True).stdout)
        return out
    return make


def case(name, sql, config, expect):
    return {"name": name, "make": dump_of(sql), "config": SALT + config, "expect": expect,
            "args": ["--format", "sqlite"]}


def big_data_row(tmp):
    """A .dump of an FTS5 table with one `_data` row of 2 MiB appended to its index rows."""
    out = dump_of("CREATE VIRTUAL TABLE ft USING fts5(title);\nINSERT INTO ft VALUES('zqxmarker');\n")(tmp)
    dump = out.read_bytes()
    row = b"INSERT INTO ft_data VALUES(99,X'" + b"7a71786d61726b6572" * (2 << 17) + b"');\n"
    at = dump.index(b"CREATE TABLE IF NOT EXISTS 'ft_idx'")
    out.write_bytes(dump[:at] + row + dump[at:])
    return out


CASES = [
    case("sqlite fts5: a config on the virtual table rewrites _content and rebuilds the index",
         "CREATE VIRTUAL TABLE ft USING fts5(title, body UNINDEXED);\n"
         "INSERT INTO ft VALUES('hello zqxmarker', 'kept');\n"
         "INSERT INTO ft VALUES('zqxmarker again', 'kept too');\n",
         '[tables.ft]\ntitle = "lorem"\n', "clean"),
    case("sqlite fts4: a config on the virtual table rewrites _content and drops _segdir",
         "CREATE VIRTUAL TABLE f4 USING fts4(a, b, tokenize=porter);\n"
         "INSERT INTO f4 VALUES('zqxmarker four', 'x');\n",
         '[tables.f4]\na = "lorem"\n', "clean"),
    case("sqlite fts3: a config on the virtual table rewrites _content and drops _segdir",
         "CREATE VIRTUAL TABLE f3 USING fts3(c);\nINSERT INTO f3 VALUES('zqxmarker three');\n",
         '[tables.f3]\nc = "lorem"\n', "clean"),
    case("sqlite fts5 external content: a config on the content table rebuilds the index",
         "CREATE TABLE docs(id INTEGER PRIMARY KEY, t TEXT);\nINSERT INTO docs VALUES(1, 'zqxmarker ext');\n"
         "CREATE VIRTUAL TABLE fe USING fts5(t, content='docs', content_rowid='id');\n"
         "INSERT INTO fe(fe) VALUES('rebuild');\n",
         '[tables.docs]\nt = "lorem"\n', "clean"),
    case("sqlite fts5 contentless: a config on the virtual table empties its index",
         "CREATE VIRTUAL TABLE fc USING fts5(t, content='');\nINSERT INTO fc(rowid, t) VALUES(1, 'zqxmarker gone');\n",
         '[tables.fc]\nt = "lorem"\n', "clean"),
    case("sqlite fts5 external content: a config on the virtual table is refused",
         "CREATE TABLE docs(id INTEGER PRIMARY KEY, t TEXT);\nINSERT INTO docs VALUES(1, 'zqxmarker ext');\n"
         "CREATE VIRTUAL TABLE fe USING fts5(t, content='docs', content_rowid='id');\n"
         "INSERT INTO fe(fe) VALUES('rebuild');\n",
         '[tables.fe]\nt = "lorem"\n', "refuse"),
    case("sqlite fts4 contentless: a config on the virtual table is refused",
         "CREATE VIRTUAL TABLE f4 USING fts4(a, content='');\nINSERT INTO f4(docid, a) VALUES(1, 'zqxmarker four');\n",
         '[tables.f4]\na = "lorem"\n', "refuse"),
    case("sqlite fts5: a config naming a column the virtual table lacks is refused",
         "CREATE VIRTUAL TABLE ft USING fts5(title);\nINSERT INTO ft VALUES('zqxmarker');\n",
         '[tables.ft]\ntitel = "lorem"\n', "refuse"),
    {"name": "sqlite fts5: an index row longer than 1 MiB of a rebuilt table is refused (memory stays bounded)",
     "make": big_data_row, "config": SALT + '[tables.ft]\ntitle = "lorem"\n', "expect": "refuse",
     "args": ["--format", "sqlite"]},
]
