--
-- PostgreSQL database dump
--

\restrict hostiletestkey

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
    email character varying(200),
    name character varying(200) NOT NULL,
    note text
);


ALTER TABLE public.customer OWNER TO postgres;

--
-- Name: other; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.other (
    id integer,
    payload text
);


ALTER TABLE public.other OWNER TO postgres;

--
-- Data for Name: customer; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.customer VALUES (1, 'SECRETMARKERCFG1@example.invalid', 'SECRETMARKER Ann', 'SECRETMARKER; semicolon');
INSERT INTO public.customer VALUES (2, NULL, 'SECRETMARKER Bo ''q''', 'SECRETMARKER "dq", (paren)');
INSERT INTO public.customer VALUES (3, 'SECRETMARKERCFG3@example.invalid', 'SECRETMARKER Çé 😀', 'SECRETMARKER COPY x FROM stdin;');
INSERT INTO public.customer VALUES (4, 'SECRETMARKERCFG4@example.invalid', 'SECRETMARKER tab	here', '');


--
-- Data for Name: other; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.other VALUES (1, 'SECRETMARKER other 1');
INSERT INTO public.other VALUES (2, 'SECRETMARKER -- not a comment');


--
-- Name: customer customer_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.customer
    ADD CONSTRAINT customer_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict hostiletestkey

