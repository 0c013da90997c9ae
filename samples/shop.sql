--
-- PostgreSQL database dump
--

\restrict rZMljBU8NbESIVC0iS3bLjYqp6EaI4cdzMyGhzggy0L4IfC7ZFFw6MyfcOUMtBW

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: customer; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.customer (
    id integer NOT NULL,
    email text NOT NULL,
    first_name text,
    last_name text,
    phone text,
    note text
);


ALTER TABLE public.customer OWNER TO postgres;

--
-- Name: orders; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.orders (
    id integer NOT NULL,
    customer_id integer,
    customer_email text,
    amount numeric(10,2),
    created_at timestamp with time zone
);


ALTER TABLE public.orders OWNER TO postgres;

--
-- Name: product; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.product (
    id integer NOT NULL,
    name text,
    price numeric(10,2)
);


ALTER TABLE public.product OWNER TO postgres;

--
-- Data for Name: customer; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.customer (id, email, first_name, last_name, phone, note) FROM stdin;
1	ann.lee@example.invalid	Ann	Lee	+1 202 555 0143	likes tea
2	bo.smith@example.invalid	Bo	Smith	\N	two\tlines\nhere
3	cy.o'hara@example.invalid	Cy	O'Hara	202-555-0199	\N
4	dee@example.invalid	Dee	\N		back\\slash
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.orders (id, customer_id, customer_email, amount, created_at) FROM stdin;
101	1	ann.lee@example.invalid	19.90	2024-03-01 10:00:00+00
102	1	ann.lee@example.invalid	5.00	2024-03-02 11:30:00+00
103	3	cy.o'hara@example.invalid	120.00	2024-03-05 09:15:00+00
\.


--
-- Data for Name: product; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.product (id, name, price) FROM stdin;
1	Teapot	25.00
2	Mug	8.50
\.


--
-- Name: customer customer_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customer
    ADD CONSTRAINT customer_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: product product_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.product
    ADD CONSTRAINT product_pkey PRIMARY KEY (id);


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customer(id);


--
-- PostgreSQL database dump complete
--

\unrestrict rZMljBU8NbESIVC0iS3bLjYqp6EaI4cdzMyGhzggy0L4IfC7ZFFw6MyfcOUMtBW

