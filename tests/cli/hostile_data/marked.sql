-- The database behind the dumps in this folder (make.py writes them with
-- the real pg_dump, mariadb-dump and sqlite3). Every value holds
-- SECRETMARKER and the configured column (customer.email) SECRETMARKERCFG,
-- so that hostile_test.py can grep any output for values in clear and any
-- message for values at all.
CREATE TABLE customer (
    id integer PRIMARY KEY,
    email varchar(200),
    name varchar(200) NOT NULL,
    note text
);
INSERT INTO customer VALUES (1, 'SECRETMARKERCFG1@example.invalid', 'SECRETMARKER Ann', 'SECRETMARKER; semicolon');
INSERT INTO customer VALUES (2, NULL, 'SECRETMARKER Bo ''q''', 'SECRETMARKER "dq", (paren)');
INSERT INTO customer VALUES (3, 'SECRETMARKERCFG3@example.invalid', 'SECRETMARKER Çé 😀', 'SECRETMARKER COPY x FROM stdin;');
INSERT INTO customer VALUES (4, 'SECRETMARKERCFG4@example.invalid', 'SECRETMARKER tab	here', '');
CREATE TABLE other (id integer, payload text);
INSERT INTO other VALUES (1, 'SECRETMARKER other 1'), (2, 'SECRETMARKER -- not a comment');
