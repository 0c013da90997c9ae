-- A small database full of awkward names and values, for pg_roundtrip_test.py.
-- Load with: psql -v ON_ERROR_STOP=1 -X -q -d tricky -f tricky_schema.sql
-- Everything is deterministic (generate_series, no random()); all e-mail domains are
-- example.invalid. The same addresses appear in several tables (see tricky_email) so the
-- test can check that one input maps to one output everywhere.

SET client_min_messages = warning;
SET standard_conforming_strings = on;

CREATE SCHEMA sales;
CREATE SCHEMA crm;
CREATE SCHEMA "my.schema";

-- Shared e-mail generator, dropped at the end so that it is not in the dump.
-- Address 7 holds a backslash and a TAB, which COPY escapes as \\ and \t.
CREATE FUNCTION pg_temp.tricky_email(n integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN n = 7 THEN E'we\\ird\tuser7@example.invalid'
              WHEN n = 11 THEN 'üñî😀-user11@example.invalid'
              ELSE 'user' || n || '@example.invalid' END
$$;

-- Text that breaks line-based or escape-unaware parsers, cycled over the rows.
CREATE FUNCTION pg_temp.tricky_text(i integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE i % 14
    WHEN 0 THEN NULL
    WHEN 1 THEN ''
    WHEN 2 THEN E'tab\there\tand\tthere'
    WHEN 3 THEN E'line1\nline2\n'
    WHEN 4 THEN E'back\\slash \\N \\. end\\'
    WHEN 5 THEN E'crlf\r\nand lone cr\r'
    WHEN 6 THEN 'emoji 😀 clef 𝄞 ünïcödé ' || i
    WHEN 7 THEN E'\\.'
    WHEN 8 THEN 'COPY x FROM stdin;'
    WHEN 9 THEN E'\\N'
    WHEN 10 THEN E'\n\\.\n'
    WHEN 11 THEN E'\\\\\\'
    WHEN 12 THEN ' leading and trailing spaces '
    ELSE 'plain ' || i END
$$;

-- public.customer and sales.customer: same table name, both with an email column.
CREATE TABLE public.customer (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text,
    region text,
    note text
);
COMMENT ON COLUMN public.customer.email IS 'e-mail; COPY public.customer (id) FROM stdin;';

INSERT INTO public.customer
SELECT i,
       'Person-' || lpad(i::text, 4, '0') || CASE WHEN i % 9 = 0 THEN E'\t😀' ELSE '' END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE pg_temp.tricky_email(i) END,
       CASE i % 3 WHEN 0 THEN 'north' WHEN 1 THEN 'south' ELSE NULL END,
       pg_temp.tricky_text(i)
FROM generate_series(1, 120) AS i;
-- One very long unconfigured value (a 100 kB line in the dump).
UPDATE public.customer SET note = repeat('long-', 20000) WHERE id = 120;

CREATE TABLE sales.customer (
    id integer PRIMARY KEY,
    email text,
    region text NOT NULL,
    legacy_code text
);
INSERT INTO sales.customer
SELECT i,
       CASE WHEN i % 13 = 0 THEN NULL ELSE pg_temp.tricky_email(i * 3 % 130 + 1) END,
       CASE i % 2 WHEN 0 THEN 'EMEA' ELSE 'APAC' END,
       'L-' || i
FROM generate_series(1, 80) AS i;

-- A table in public whose name looks like the config key of sales.customer.
CREATE TABLE public."sales.customer" (
    id integer PRIMARY KEY,
    email text,
    region text
);
INSERT INTO public."sales.customer"
SELECT i, 'decoy' || i || '@example.invalid', 'decoy-region-' || i
FROM generate_series(1, 20) AS i;

-- Identity, generated column, numeric, arrays, json, jsonb, bytea, timestamptz.
CREATE TABLE public.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_email text,
    amount numeric(10,2) NOT NULL,
    total_cents bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED,
    items text[],
    tags integer[],
    meta json,
    attrs jsonb,
    payload bytea,
    created_at timestamptz NOT NULL
);
INSERT INTO public.orders (customer_email, amount, items, tags, meta, attrs, payload, created_at)
SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE pg_temp.tricky_email(1 + (i * 7) % 120) END,
       (i * 37 % 1000) / 7.0,
       CASE i % 5
         WHEN 0 THEN NULL
         WHEN 1 THEN ARRAY['plain', 'with space', 'with,comma', 'with"quote', E'with\\backslash', NULL, '{braces}']
         WHEN 2 THEN ARRAY[E'tab\tin array', E'nl\nin array', '😀']
         WHEN 3 THEN '{}'::text[]
         ELSE ARRAY['item-' || i] END,
       ARRAY[i, i * 2, NULL, -i],
       json_build_object('n', i, 'text', pg_temp.tricky_text(i), 'nested', json_build_array(1, 'two', NULL)),
       jsonb_build_object('k', i, 'esc', E'quote" back\\ tab\t nl\n', 'emoji', '😀'),
       CASE WHEN i % 6 = 0 THEN NULL
            WHEN i % 6 = 1 THEN ''::bytea
            ELSE decode(md5(i::text) || '00090a0d5c2e0a', 'hex') END,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour 17 minutes'
FROM generate_series(1, 150) AS i;

-- Quoted names with spaces and a hyphen; configured values with tabs, emoji and backslashes.
CREATE TABLE public."Client List" (
    id integer PRIMARY KEY,
    "Full Name" text,
    "e-mail" text,
    "Phone Number" text,
    remark text
);
INSERT INTO public."Client List"
SELECT i,
       CASE i % 8
         WHEN 0 THEN NULL
         WHEN 1 THEN E'Client\t' || i || ' 😀'
         WHEN 2 THEN E'Client \\ back ' || i
         WHEN 3 THEN E'Client\nmultiline ' || i
         ELSE 'Client Name ' || i END,
       CASE WHEN i % 7 = 0 THEN NULL ELSE pg_temp.tricky_email(i * 2) END,
       '+1-555-' || lpad(i::text, 4, '0'),
       pg_temp.tricky_text(i + 3)
FROM generate_series(1, 40) AS i;
UPDATE public."Client List" SET "Full Name" = repeat('Ω', 5000) WHERE id = 40;

-- A schema with a dot and a table with a double quote in its name.
CREATE TABLE "my.schema"."user""s" (
    id integer PRIMARY KEY,
    "login name" text NOT NULL,
    email text,
    "quote""col" text,
    "Mixed Case" text
);
INSERT INTO "my.schema"."user""s"
SELECT i,
       'login-' || i || CASE WHEN i % 4 = 0 THEN E'\\x' ELSE '' END,
       CASE WHEN i % 6 = 0 THEN NULL ELSE pg_temp.tricky_email(i + 100) END,
       'he said "hi" ' || i,
       pg_temp.tricky_text(i + 5)
FROM generate_series(1, 30) AS i;

-- Mixed case: crm."Customer" with both "eMail" and email (only "eMail" is configured).
CREATE TABLE crm."Customer" (
    id integer PRIMARY KEY,
    "eMail" text,
    email text
);
INSERT INTO crm."Customer"
SELECT i,
       CASE WHEN i % 5 = 0 THEN NULL ELSE pg_temp.tricky_email(i + 200) END,
       pg_temp.tricky_email(i + 200)
FROM generate_series(1, 25) AS i;

-- A table name with a dot, in public.
CREATE TABLE public."order.items" (
    id integer PRIMARY KEY,
    email text
);
INSERT INTO public."order.items"
SELECT i, pg_temp.tricky_email(i + 40) FROM generate_series(1, 20) AS i;

-- No rows at all.
CREATE TABLE public.empty_table (
    id integer,
    email text
);

-- No columns, but rows: COPY lines are empty.
CREATE TABLE public.no_columns ();
INSERT INTO public.no_columns SELECT FROM generate_series(1, 5);

-- Names and a comment that look like COPY statements and end-of-data markers.
CREATE TABLE public."COPY x FROM stdin;" (
    id integer PRIMARY KEY,
    "\." text,
    secret text
);
COMMENT ON TABLE public."COPY x FROM stdin;" IS E'not data:\nCOPY public.customer (id, email) FROM stdin;\n2\tuser2@example.invalid\n\\.\n';
INSERT INTO public."COPY x FROM stdin;"
SELECT i,
       CASE i % 3 WHEN 0 THEN E'\\.' WHEN 1 THEN NULL ELSE 'dot ' || i END,
       CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'secret-value-' || i END
FROM generate_series(1, 20) AS i;

-- One text column and no key: every value is a whole COPY line (ordered by ctid in the test).
CREATE TABLE public.lines (line text);
INSERT INTO public.lines (line) VALUES
    ('COPY public.customer (id) FROM stdin;'), (E'\\.'), ('\.'), (''), (NULL), ('--'), (';'),
    ('COPY public.lines (line) FROM stdin;'), (E'\\N'), ('\N'), (E'a\tb'), ('$fn$'), ('$$'),
    (E'\r'), ('-- Data for Name: customer; Type: TABLE DATA; Schema: public; Owner: postgres'),
    ('\restrict fake'), ('\unrestrict fake'), ('SET client_encoding = ''LATIN1'';'),
    ('end'), ('after end');

-- A function whose dollar-quoted body holds a COPY statement and a \. line.
CREATE FUNCTION public.copy_lookalike() RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT 'COPY public.customer (id, name, email, region, note) FROM stdin;
1	Person-0001	user1@example.invalid	south	x
\.
'::text
$fn$;

-- A SQL-standard body: semicolons inside BEGIN ATOMIC ... END do not end the statement,
-- and the string literals put a COPY line and a \. line into the dump.
CREATE FUNCTION public.atomic_lookalike(n integer) RETURNS text
LANGUAGE sql
BEGIN ATOMIC
  SELECT 'ignored; ' || n;
  SELECT E'\nCOPY public.customer (id, email) FROM stdin;\n3\tuser3@example.invalid\n\\.\n;' || n;
END;

-- A view and a sequence, to have non-table objects in the dump.
CREATE VIEW public.customer_emails AS
    SELECT c.id, c.email FROM public.customer c WHERE c.email IS NOT NULL;
CREATE SEQUENCE sales.invoice_seq START 1000;
DO $$ BEGIN PERFORM nextval('sales.invoice_seq') FROM generate_series(1, 3); END $$;

DROP FUNCTION pg_temp.tricky_email(integer);
DROP FUNCTION pg_temp.tricky_text(integer);
ANALYZE;
