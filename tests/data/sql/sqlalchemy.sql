INSERT INTO t (description) VALUES (lower(?)) RETURNING myid, name, description
-- ;;
CREATE TABLE master.t2 (id INTEGER NOT NULL, t1_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(t1_id) REFERENCES t1 (id))
-- ;;
CREATE TABLE alternate.t3 (id INTEGER NOT NULL, t1_id INTEGER, PRIMARY KEY (id))
-- ;;
CREATE TABLE t4 (id INTEGER NOT NULL, t1_id INTEGER, PRIMARY KEY (id))
-- ;;
CREATE INDEX test_idx1 ON testtbl (data) WHERE data > 5 AND data < 10
-- ;;
CREATE INDEX test_idx2 ON testtbl (data) WHERE data > 'a' AND data < 'b''s'
-- ;;
CREATE TABLE atable (id INTEGER) WITHOUT ROWID
-- ;;
CREATE TABLE atable (id INTEGER) WITHOUT ROWID, STRICT
-- ;;
CREATE TABLE n (test INTEGER NOT NULL ON CONFLICT FAIL, PRIMARY KEY (test) ON CONFLICT IGNORE)
-- ;;
CREATE TABLE n (x VARCHAR(30), UNIQUE (x) ON CONFLICT FAIL)
-- ;;
CREATE TABLE n (id INTEGER, x VARCHAR(30), UNIQUE (id, x) ON CONFLICT FAIL)
-- ;;
CREATE TABLE n (id INTEGER NOT NULL PRIMARY KEY ON CONFLICT FAIL AUTOINCREMENT)
-- ;;
CREATE TABLE n (x VARCHAR(30) NOT NULL, PRIMARY KEY (x) ON CONFLICT FAIL)
-- ;;
CREATE TABLE n (id INTEGER, x INTEGER, CHECK (id > x) ON CONFLICT FAIL)
-- ;;
CREATE TABLE n (id INTEGER NOT NULL, x VARCHAR(30) NOT NULL, PRIMARY KEY (id, x) ON CONFLICT FAIL)
-- ;;
INSERT INTO users (name) VALUES (?), (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name
-- ;;
INSERT INTO users (name) VALUES (?), (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id, name
-- ;;
CREATE VIEW IF NOT EXISTS my_view AS SELECT src.id, src.name FROM src
-- ;;
CREATE TEMPORARY VIEW IF NOT EXISTS temp_view AS SELECT src.id, src.name FROM src
-- ;;
VALUES (?, ?), (?, ?)
-- ;;
INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT  DO UPDATE SET id = excluded.id, name = excluded.name
-- ;;
SELECT CAST(STRFTIME('%s', t.col1) AS INTEGER) AS anon_1 FROM t
-- ;;
CREATE TABLE r_defaults (
            data VARCHAR(40) DEFAULT 'my_default',
            val INTEGER NOT NULL DEFAULT 0
            )
-- ;;
CREATE TABLE "django_content_type" (
            "id" integer NOT NULL PRIMARY KEY,
            "django_stuff" text NULL
        )
-- ;;
CREATE TABLE "django_admin_log" (
            "id" integer NOT NULL PRIMARY KEY,
            "action_time" datetime NOT NULL,
            "content_type_id" integer NULL
                    REFERENCES "django_content_type" ("id"),
            "object_id" text NULL,
            "change_message" text NOT NULL
        )
-- ;;
CREATE TABLE """a""" (
            """id""" integer NOT NULL PRIMARY KEY
        )
-- ;;
CREATE VIRTUAL TABLE cattable using FTS3 (
            id INTEGER NOT NULL,
            description VARCHAR(50),
            PRIMARY KEY (id)
        )
-- ;;
CREATE VIRTUAL TABLE matchtable using FTS3 (
            id INTEGER NOT NULL,
            title VARCHAR(200),
            category_id INTEGER NOT NULL,
            PRIMARY KEY (id)
        )
-- ;;
CREATE TABLE autoinctable (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, x INTEGER)
-- ;;
CREATE TABLE autoinctable (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, x INTEGER, UNIQUE (x))
-- ;;
CREATE TABLE autoinctable (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT)
-- ;;
CREATE TABLE r_defaults (data VARCHAR(40) DEFAULT 'my_default', val INTEGER DEFAULT 0 NOT NULL)
-- ;;
INSERT INTO users (id, name, login_email) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = ? ON CONFLICT (login_email) DO NOTHING ON CONFLICT (name) DO UPDATE SET name = ?
-- ;;
INSERT INTO users (id, name, login_email) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = ? ON CONFLICT DO NOTHING
-- ;;
CREATE TEMPORARY VIEW sqlitetempview AS SELECT * FROM sqliteatable
-- ;;
CREATE TABLE b (id INTEGER PRIMARY KEY REFERENCES a)
-- ;;
CREATE TABLE "default".a (id INTEGER PRIMARY KEY)
-- ;;
CREATE TEMPORARY TABLE g (x INTEGER, CONSTRAINT foo_gx UNIQUE(x))
-- ;;
create unique index ix_partial on foo_with_partial_index (x) where y > 10
-- ;;
create unique index ix_partial2 on foo_with_partial_index (x, y) where y = 10 or abs(x) < 5
-- ;;
CREATE TABLE t (
    id INTEGER NOT NULL,
    x INTEGER,
    CONSTRAINT my_pk
        PRIMARY KEY (id),
    CONSTRAINT my_uq
        UNIQUE (x),
    CONSTRAINT my_ck
        CHECK (x > 0),
    CONSTRAINT my_fk
        FOREIGN KEY (x)
        REFERENCES a1 (id)
        ON DELETE CASCADE
        DEFERRABLE
        INITIALLY DEFERRED
)
-- ;;
CREATE TABLE test1 (
                s VARCHAR,
                x VARCHAR GENERATED ALWAYS AS (s || 'x')
            )
-- ;;
CREATE TABLE test2 (
                s VARCHAR,
                x VARCHAR GENERATED ALWAYS AS (s || 'x'),
                y VARCHAR GENERATED ALWAYS AS (s || 'y')
            )
-- ;;
CREATE TABLE test3 (
                s VARCHAR,
                x INTEGER GENERATED ALWAYS AS (INSTR(s, ","))
            )
-- ;;
CREATE TABLE test4 (
                s VARCHAR,
                x INTEGER GENERATED ALWAYS AS (INSTR(s, ",")),
                y INTEGER GENERATED ALWAYS AS (INSTR(x, ",")))
-- ;;
CREATE TABLE test5 (
                s VARCHAR,
                x VARCHAR GENERATED ALWAYS AS (s || 'x') STORED
            )
-- ;;
CREATE TABLE test6 (
                s VARCHAR,
                x VARCHAR GENERATED ALWAYS AS (s || 'x') STORED,
                y VARCHAR GENERATED ALWAYS AS (s || 'y') STORED
            )
-- ;;
CREATE TABLE test7 (
                s VARCHAR,
                x INTEGER GENERATED ALWAYS AS (INSTR(s, ",")) STORED
            )
-- ;;
CREATE TABLE test8 (
                s VARCHAR,
                x INTEGER GENERATED ALWAYS AS (INSTR(s, ",")) STORED,
                y INTEGER GENERATED ALWAYS AS (INSTR(x, ",")) STORED
            )
-- ;;
CREATE TABLE test9 (
                id INTEGER PRIMARY KEY,
                s VARCHAR,
                x VARCHAR GENERATED ALWAYS AS (s || 'x')
            ) WITHOUT ROWID
-- ;;
CREATE TABLE test_strict1 (
                s TEXT,
                x TEXT GENERATED ALWAYS AS (s || 'x')
            ) STRICT
-- ;;
CREATE TABLE test_strict2 (
                id INTEGER PRIMARY KEY,
                s TEXT,
                x TEXT GENERATED ALWAYS AS (s || 'x')
            ) STRICT, WITHOUT ROWID
-- ;;
CREATE TABLE test_strict3 (
                id INTEGER PRIMARY KEY,
                s TEXT,
                x TEXT GENERATED ALWAYS AS (s || 'x')
            ) WITHOUT ROWID, STRICT
-- ;;
CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id))
-- ;;
CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id)) WITHOUT ROWID
-- ;;
CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id)) STRICT
-- ;;
CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id)) WITHOUT ROWID, STRICT
-- ;;
CREATE TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id)) STRICT, WITHOUT ROWID
-- ;;
CREATE TABLE t (id INTEGER NOT NULL, data VARCHAR(30) CHECK (data <> ')'), PRIMARY KEY (id)) WITHOUT ROWID
-- ;;
CREATE TEMPORARY TABLE t (id INTEGER NOT NULL, PRIMARY KEY (id)) WITHOUT ROWID, STRICT
-- ;;
drop table "default".a
-- ;;
CREATE TABLE b (id INTEGER PRIMARY KEY, FOREIGN KEY(id) REFERENCES a1(id),FOREIGN KEY(id) REFERENCES a2(id))
-- ;;
CREATE TABLE c (id INTEGER, CONSTRAINT bar PRIMARY KEY(id),CONSTRAINT foo1 FOREIGN KEY(id) REFERENCES a1(id),CONSTRAINT foo2 FOREIGN KEY(id) REFERENCES a2(id))
-- ;;
CREATE TABLE d3 ( "some STUPID n,ame" INTEGER NULL unique)
-- ;;
CREATE TABLE e2 (id INTEGER, "some ( STUPID n,ame" INTEGER NOT NULL  references a2   ("some ( STUPID n,ame"))
-- ;;
CREATE TABLE f (x INTEGER, CONSTRAINT foo_fx UNIQUE(x))
-- ;;
CREATE TABLE j (id INTEGER, q INTEGER, p INTEGER, PRIMARY KEY(id), FOreiGN KEY(q,p) REFERENCes  i(x,y))
-- ;;
CREATE TABLE k (id INTEGER, q INTEGER, p INTEGER, PRIMARY KEY(id), conSTRAINT my_fk FOreiGN KEY (  q  , p  )   REFERENCes   i    (  x ,   y ))
-- ;;
create table o (foo varchar(20) primary key)
-- ;;
CREATE TABLE onud_test (id INTEGER PRIMARY KEY, c1 INTEGER, c2 INTEGER, c3 INTEGER, c4 INTEGER, CONSTRAINT fk1 FOREIGN KEY (c1) REFERENCES a1(id) ON DELETE SET NULL, CONSTRAINT fk2 FOREIGN KEY (c2) REFERENCES a1(id) ON UPDATE CASCADE, CONSTRAINT fk3 FOREIGN KEY (c3) REFERENCES a2(id) ON DELETE CASCADE ON UPDATE SET NULL,CONSTRAINT fk4 FOREIGN KEY (c4) REFERENCES a2(id) ON UPDATE NO ACTION)
-- ;;
CREATE TABLE deferrable_test (id INTEGER PRIMARY KEY, c1 INTEGER, c2 INTEGER, c3 INTEGER, c4 INTEGER, CONSTRAINT fk1 FOREIGN KEY (c1) REFERENCES a1(id) DEFERRABLE,CONSTRAINT fk2 FOREIGN KEY (c2) REFERENCES a1(id) NOT DEFERRABLE,CONSTRAINT fk3 FOREIGN KEY (c3) REFERENCES a2(id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,CONSTRAINT fk4 FOREIGN KEY (c4) REFERENCES a2(id) NOT DEFERRABLE INITIALLY IMMEDIATE)
-- ;;
CREATE TABLE cp (id INTEGER NOT NULL,
q INTEGER, 
p INTEGER, 
CONSTRAINT cq CHECK (p = 1 OR (p > 2 AND p < 5)),
PRIMARY KEY (id)
)
-- ;;
CREATE TABLE cp_inline (
id INTEGER NOT NULL,
q INTEGER CHECK (q > 1 AND q < 6), 
p INTEGER CONSTRAINT cq CHECK (p = 1 OR (p > 2 AND p < 5)),
PRIMARY KEY (id)
)
-- ;;
CREATE TABLE implicit_referrer (id integer REFERENCES implicit_referred)
-- ;;
CREATE TABLE oneline_nested ( field INTEGER CHECK((field>0 and field<22) or (field>99 and field<1010)))
-- ;;
CREATE TABLE oneline_2constraints ( pk INTEGER CONSTRAINT pkname PRIMARY KEY, field INTEGER CONSTRAINT chname CHECK((field>0 and field<22) or (field>99 and field<1010)))
-- ;;
CREATE TABLE oneline_nameCHECK ( pk INTEGER CONSTRAINT pkname PRIMARY KEY )
-- ;;
CREATE TABLE oneline_nameCONSTRAINT ( field INTEGER CHECK (field IN (1, 0, -1)) )
-- ;;
CREATE TABLE twochecks_oneline (
field INTEGER,
CHECK (field>1), CHECK(  field<9)
)
-- ;;
CREATE TABLE quote_styles ( field INTEGER, CONSTRAINT "double_quoted" CHECK (field > 0), CONSTRAINT 'single_quoted' CHECK (field < 100), CONSTRAINT [bracket_quoted] CHECK (field != 50), CONSTRAINT `backtick_quoted` CHECK (field >= 10))
-- ;;
CREATE TABLE parens_in_strings ( field TEXT, CHECK (field != '('), CHECK (field != ')'), CHECK (field NOT LIKE '%('), CHECK (field IN (')', '(', 'test')), CHECK (field != 'it''s (not) valid'), CHECK (field != "say ""(hello)"" "), CHECK (field NOT IN ('()', 'a''b''c', ')')), CHECK (field != '((' OR field = ')))'), CHECK (field LIKE "%))(%" OR field LIKE "%)(%"))
-- ;;
create table foo (id integer, foreign key (id) references bar (id) on update cascade)
-- ;;
DROP VIEW sqliteview
-- ;;
INSERT INTO bool_table (id, boo) VALUES (5, 1)
-- ;;
INSERT INTO jsonb_test (foo) VALUES (jsonb(?))
-- ;;
SELECT json(jsonb_test.foo) AS foo FROM jsonb_test
-- ;;
CREATE TABLE some_table (
    id INTEGER NOT NULL,
    data INTEGER,
    PRIMARY KEY (id),
    UNIQUE (id, data) ON CONFLICT IGNORE
)
-- ;;
CREATE TABLE some_table (
    id INTEGER NOT NULL,
    data INTEGER,
    PRIMARY KEY (id),
    UNIQUE (data) ON CONFLICT IGNORE
)
-- ;;
CREATE TABLE some_table (
    id INTEGER NOT NULL,
    data INTEGER NOT NULL ON CONFLICT FAIL,
    PRIMARY KEY (id)
)
-- ;;
CREATE TABLE some_table (
    id INTEGER NOT NULL,
    PRIMARY KEY (id) ON CONFLICT FAIL
)
-- ;;
select x.a, x.b from x
-- ;;
select x.a, x.b from x where a=1
    union
    select x.a, x.b from x where a=2
-- ;;
SELECT sql FROM  (SELECT * FROM sqlite_master UNION ALL   SELECT * FROM sqlite_temp_master) WHERE name = ? AND type='view'
-- ;;
SELECT sql FROM sqlite_master WHERE name = ? AND type='view'
-- ;;
