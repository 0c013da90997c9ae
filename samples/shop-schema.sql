CREATE TABLE customer (
  id integer PRIMARY KEY,
  email text NOT NULL,
  first_name text,
  last_name text,
  phone text,
  note text
);
CREATE TABLE orders (
  id integer PRIMARY KEY,
  customer_id integer REFERENCES customer(id),
  customer_email text,
  amount numeric(10,2),
  created_at timestamptz
);
CREATE TABLE product (id integer PRIMARY KEY, name text, price numeric(10,2));
INSERT INTO customer VALUES
 (1, 'ann.lee@example.invalid', 'Ann', 'Lee', '+1 202 555 0143', 'likes tea'),
 (2, 'bo.smith@example.invalid', 'Bo', 'Smith', NULL, E'two\tlines\nhere'),
 (3, 'cy.o''hara@example.invalid', 'Cy', 'O''Hara', '202-555-0199', NULL),
 (4, 'dee@example.invalid', 'Dee', NULL, '', E'back\\slash');
INSERT INTO orders VALUES
 (101, 1, 'ann.lee@example.invalid', 19.90, '2024-03-01 10:00:00+00'),
 (102, 1, 'ann.lee@example.invalid', 5.00, '2024-03-02 11:30:00+00'),
 (103, 3, 'cy.o''hara@example.invalid', 120.00, '2024-03-05 09:15:00+00');
INSERT INTO product VALUES (1, 'Teapot', 25.00), (2, 'Mug', 8.50);
