PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE customer (
    id integer PRIMARY KEY,
    email varchar(200),
    name varchar(200) NOT NULL,
    note text
);
INSERT INTO customer VALUES(1,'SECRETMARKERCFG1@example.invalid','SECRETMARKER Ann','SECRETMARKER; semicolon');
INSERT INTO customer VALUES(2,NULL,'SECRETMARKER Bo ''q''','SECRETMARKER "dq", (paren)');
INSERT INTO customer VALUES(3,'SECRETMARKERCFG3@example.invalid','SECRETMARKER Çé 😀','SECRETMARKER COPY x FROM stdin;');
INSERT INTO customer VALUES(4,'SECRETMARKERCFG4@example.invalid','SECRETMARKER tab	here','');
CREATE TABLE other (id integer, payload text);
INSERT INTO other VALUES(1,'SECRETMARKER other 1');
INSERT INTO other VALUES(2,'SECRETMARKER -- not a comment');
CREATE TABLE ctl (id integer, v text);
INSERT INTO ctl VALUES(1,replace('line1\nline2','\n',char(10)));
INSERT INTO ctl VALUES(2,'nul');
CREATE TABLE blobs (id integer, b blob);
INSERT INTO blobs VALUES(1,X'00ff41');
CREATE TRIGGER t AFTER INSERT ON ctl BEGIN UPDATE ctl SET v = 'a;b' WHERE id = 1; END;
COMMIT;
