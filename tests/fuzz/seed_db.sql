-- A small database of awkward names and values for the fuzz seed corpora
-- (make_seeds.py): small enough that every dump of it is a few KB, so that
-- the fuzzers mutate real dump syntax quickly. Written in the SQL common to
-- PostgreSQL, MariaDB and SQLite where possible; make_seeds.py adapts the
-- rest per server.
CREATE TABLE customer (
    id integer PRIMARY KEY,
    email varchar(200),
    name varchar(200) NOT NULL,
    note text,
    amount numeric(10,2),
    born date
);
INSERT INTO customer VALUES (1, 'ann.lee@example.invalid', 'Ann Lee', 'first; with semicolon', 12.50, '1980-02-29');
INSERT INTO customer VALUES (2, NULL, 'Bo ''Quote'' Chan', 'it''s a "quote", (paren)', -0.75, NULL);
INSERT INTO customer VALUES (3, 'c@example.invalid', 'Çé ünï 😀', 'COPY x FROM stdin;', 0, '2000-01-01');
INSERT INTO customer VALUES (4, 'd@example.invalid', 'NULL', '', 1e3, '1999-12-31');
INSERT INTO customer VALUES (5, 'e@example.invalid', 'dash -- not a comment', '/* not a comment */ $$ not dollar $$', 3, NULL);
CREATE TABLE "Order Items" (
    "Id" integer,
    "customer email" varchar(200),
    "qty" integer,
    "Payload" text
);
INSERT INTO "Order Items" VALUES (10, 'ann.lee@example.invalid', 2, 'x'), (11, 'c@example.invalid', 1, '\N'), (12, NULL, 0, ')');
CREATE TABLE empty_table (id integer, v text);
