BEGIN TRANSACTION
-- ;;
INSERT INTO "dogs" VALUES('1','4','Cleo')
-- ;;
END
-- ;;
CREATE TABLE "_analyze_tables_" (
    "table" TEXT,
    "column" TEXT,
    "total_rows" INTEGER,
    "num_null" INTEGER,
    "num_blank" INTEGER,
    "num_distinct" INTEGER,
    "most_common" TEXT,
    "least_common" TEXT,
    PRIMARY KEY ("table", "column")
)
-- ;;
CREATE TABLE "roadside_attractions_new_4033a60276b9" (
   "id" INTEGER PRIMARY KEY,
   "longitude" FLOAT,
   "latitude" FLOAT,
   "name" TEXT DEFAULT 'Untitled'
)
-- ;;
INSERT INTO "roadside_attractions_new_4033a60276b9" ("longitude", "latitude", "id", "name")
   SELECT "longitude", "latitude", "pk", "name" FROM "roadside_attractions"
-- ;;
CREATE TABLE "trees" (
    "id" INTEGER PRIMARY KEY,
    "TreeAddress" TEXT,
    "species_id" INTEGER,
    FOREIGN KEY(species_id) REFERENCES species(id)
)
-- ;;
CREATE UNIQUE INDEX "idx_species_species"
    ON "species" ("species")
-- ;;
CREATE TABLE "power_plants" (
   "country_id" INTEGER,
   "name" TEXT,
   "gppd_idnr" TEXT,
   "capacity_mw" TEXT,
   "latitude" TEXT,
   "longitude" TEXT,
   "primary_fuel" TEXT,
   "other_fuel1" TEXT,
   "other_fuel2" TEXT,
   "other_fuel3" TEXT,
   "commissioning_year" TEXT,
   "owner" TEXT,
   "source" TEXT,
   "url" TEXT,
   "geolocation_source" TEXT,
   "wepp_id" TEXT,
   "year_of_capacity_data" TEXT,
   "generation_gwh_2013" TEXT,
   "generation_gwh_2014" TEXT,
   "generation_gwh_2015" TEXT,
   "generation_gwh_2016" TEXT,
   "generation_gwh_2017" TEXT,
   "generation_data_source" TEXT,
   "estimated_generation_gwh" TEXT,
   FOREIGN KEY("country_id") REFERENCES "countries"("id")
)
-- ;;
with original as (
    select
        rowid,
        *
    from "documents"
)
select
    "original".*
from
    "original"
    join "documents_fts" on "original".rowid = "documents_fts".rowid
where
    "documents_fts" match :query
order by
    "documents_fts".rank
-- ;;
VACUUM
-- ;;
select hello("world")
-- ;;
select color, count(*)
    from chickens group by color
    order by count(*) desc
-- ;;
select * from table_in_first
    union all
select * from second.table_in_second
-- ;;
select 1 as id, 2 as id, 3 as id
-- ;;
update dogs set name = 'Cleopaws'
-- ;;
update dogs set name = ?
-- ;;
select rowid, name from dogs where name = :name
-- ;;
insert into news (headline) values (?)
-- ;;
CREATE TABLE "courses" (
   "course_code" TEXT PRIMARY KEY,
   "campus_name" TEXT,
   "dept_code" TEXT,
   FOREIGN KEY ("campus_name", "dept_code") REFERENCES "departments"("campus_name", "dept_code")
)
-- ;;
with original as (
    select
        rowid,
        [title],
        [author]
    from [articles]
)
select
    [original].[title],
    [original].[author]
from
    [original]
    join [articles_fts] on [original].rowid = [articles_fts].rowid
where
    [articles_fts] match :query
order by
    [articles_fts].rank
-- ;;
with original as (
    select
        rowid,
        [title],
        [author]
    from [articles]
)
select
    [original].[title],
    [original].[author]
from
    [original]
    join [articles_fts] on [original].rowid = [articles_fts].rowid
where
    [articles_fts] match :query
order by
    rank_bm25(matchinfo([articles_fts], 'pcnalx'))
-- ;;
INSERT INTO dogs_fts (dogs_fts) VALUES ("rebuild")
-- ;;
create trigger no_bad before insert on t
when new.v = 'bad'
begin
    select raise(rollback, 'trigger says no');
end
-- ;;
CREATE TRIGGER t_ai AFTER INSERT ON t
            BEGIN
                UPDATE t SET value = 'a;b' WHERE id = new.id;
                INSERT INTO log VALUES ('x;y');
            END
-- ;;
CREATE TRIGGER dogs_ai AFTER INSERT ON dogs
                BEGIN
                    UPDATE dogs SET name = upper(new.name) || '; updated' WHERE id = new.id;
                END
-- ;;
INSERT INTO dogs VALUES (1, 'Cleo; the first')
-- ;;
insert into t (id) values (2) returning id
-- ;;
insert or rollback into t (id) values (1)
-- ;;
select id, name, age from dogs
-- ;;
select id, name, age from dogs where id = 1
-- ;;
select id, name, age from dogs order by id
-- ;;
select sqlite_version()
-- ;;
CREATE INDEX "idx_Gosh_c1"
    ON "Gosh" ("c1" desc)
-- ;;
CREATE TABLE "dogs" (
   "name" TEXT
, "nickname" TEXT NOT NULL DEFAULT 'dogs''dawg')
-- ;;
CREATE TABLE "books" (
   "title" TEXT,
   "author_id" INTEGER REFERENCES "authors"("id")
)
-- ;;
CREATE TABLE "books" (
   "title" TEXT,
   "author_id" INTEGER REFERENCES "authors"("id"),
   "author_name_ref" TEXT REFERENCES "authors"("name")
)
-- ;;
CREATE VIRTUAL TABLE "http://example.com_fts" USING FTS4 (
    "c1",
    tokenize='porter',
    content="http://example.com"
)
-- ;;
create index Gosh_idx on Gosh(c2, c3 desc)
-- ;;
select * from pragma_function_list()
-- ;;
select id, dog(age) from dogs
-- ;;
select name from dogs order by name
-- ;;
select * from sqlite_master where 0
-- ;;
select 1 as id, 2 as id, 'x' as value, 'y' as value
-- ;;
select 1 as id, 2 as id
-- ;;
select zero(), one(1), two(1, 2)
-- ;;
select name from pragma_function_list()
-- ;;
select triple(2), quadruple(2)
-- ;;
select 1 + 1 as out
-- ;;
select 1 + :p as out
-- ;;
select :hello as out
-- ;;
select id, text from text
-- ;;
CREATE TABLE "t" (
   "name" TEXT NOT NULL
)
-- ;;
CREATE TABLE "t" (
   "age" INTEGER DEFAULT '3'
)
-- ;;
CREATE TABLE "t" (
   "category" TEXT,
   "name" TEXT,
   PRIMARY KEY ("category", "name")
)
-- ;;
CREATE TABLE "books" (
   "id" INTEGER PRIMARY KEY,
   "title" TEXT,
   "author_id" INTEGER REFERENCES "authors"("id")
)
-- ;;
CREATE VIEW "version" AS select sqlite_version()
-- ;;
select sqlite_version() + 1
-- ;;
CREATE VIEW "version" AS select sqlite_version() + 1
-- ;;
select 1
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "age" INTEGER NOT NULL DEFAULT '1',
   "name" TEXT
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "age" INTEGER NOT NULL DEFAULT '1',
   "name" TEXT NOT NULL
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "age" INTEGER DEFAULT '1',
   "name" TEXT
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER,
   "age" INTEGER NOT NULL DEFAULT '1',
   "name" TEXT PRIMARY KEY
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER,
   "age" INTEGER NOT NULL DEFAULT '1',
   "name" TEXT
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "age" INTEGER NOT NULL DEFAULT '1',
   "name" TEXT DEFAULT 'Turnip'
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "age" INTEGER NOT NULL,
   "name" TEXT
)
-- ;;
CREATE TABLE "places" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "country" INTEGER,
   "city" INTEGER REFERENCES "city"("id"),
   "continent" INTEGER
)
-- ;;
CREATE TABLE "places" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "country" INTEGER REFERENCES "country"("id"),
   "city" INTEGER REFERENCES "city"("id"),
   "continent" INTEGER REFERENCES "continent"("id")
)
-- ;;
CREATE TRIGGER blah AFTER INSERT ON articles
        BEGIN
            UPDATE counter SET count = count + 1;
        END
-- ;;
update dogs set age = 5 where name = 'Cleo'
-- ;;
analyze
-- ;;
select c1 from Gosh_fts where c1 match ?
-- ;;
select typeof(data), data from items
-- ;;
insert into example (id, name) values (:id, myupper(:name))
-- ;;
insert into example (id, name) values (:id, myupper(mylower(:name)))
-- ;;
insert into example (id, name) values (:id, :name)
-- ;;
CREATE TABLE "dogs" (
   "breed" TEXT,
   "id" INTEGER,
   "name" TEXT,
   "age" INTEGER,
   PRIMARY KEY ("id", "breed")
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL,
   "age" INTEGER NOT NULL DEFAULT '1',
   "score" INTEGER DEFAULT '5'
)
-- ;;
select id, name, extra from rows
-- ;;
select name, is_chicken from rows
-- ;;
select * from rows
-- ;;
select * from dogs where id in (1, 2, 21) order by id
-- ;;
CREATE TABLE IF NOT EXISTS "stdin" (
   "id" INTEGER,
   "name" TEXT
)
-- ;;
select 1 + 1
-- ;;
select sqlite_version() as v
-- ;;
CREATE TABLE "foo" (
   "id" INTEGER PRIMARY KEY
)
-- ;;
CREATE TABLE "players" (
   "name" TEXT DEFAULT 'bob''''bob',
   "score" INTEGER DEFAULT 1
)
-- ;;
CREATE TABLE "players" (
   "name" TEXT NOT NULL,
   "score" INTEGER NOT NULL DEFAULT 3
)
-- ;;
CREATE TABLE "test_table" (
   "id" INTEGER PRIMARY KEY,
   "ref" INTEGER REFERENCES "test_table"("id")
)
-- ;;
CREATE INDEX "idx_dogs_age_name"
    ON "dogs" ("age" desc, "name")
-- ;;
create table docs (id integer primary key, email text unique)
-- ;;
CREATE TABLE "t" (
   "id" INTEGER PRIMARY KEY,
   "float" REAL NOT NULL,
   "text" TEXT,
   "integer" INTEGER NOT NULL DEFAULT 0,
   "bytes" BLOB
)
-- ;;
create table demo (id integer primary key, enabled integer default TRUE, disabled integer default FALSE, nullable text default NULL)
-- ;;
CREATE TABLE "t" (
   "id" INTEGER,
   "f" REAL
) STRICT
-- ;;
CREATE TABLE "demo" (
   "id" INTEGER,
   "name" TEXT PRIMARY KEY
)
-- ;;
CREATE TABLE "demo" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT NOT NULL
)
-- ;;
CREATE TABLE "demo" (
   "id" INTEGER PRIMARY KEY DEFAULT 0,
   "name" TEXT DEFAULT 'Bob'
)
-- ;;
select typeof(data), data from items order by id
-- ;;
CREATE TABLE people (
            age INTEGER CONSTRAINT positive CHECK (age > 0),
            status TEXT CHECK(status IN ('active', 'inactive')),
            CONSTRAINT adult CHECK(age >= 18)
        )
-- ;;
CREATE /* fake CHECK (nope), ( */ TABLE t (
            a INTEGER /* CHECK (a < 0), phantom */,
            b INTEGER CHECK /* between keyword and expression */ (b > 0),
            /* CHECK (also_fake) */ CONSTRAINT upper CHECK(b < 10)
        )
-- ;;
CREATE TABLE t (
            -- Before id
            id /* Between name and type */ INTEGER /* After id */,
            /* Between column definitions */
            value TEXT CHECK(value != '') /* After value */,
            /* Before a table constraint, not a column */
            CHECK(value != 'forbidden')
        )
-- ;;
CREATE TABLE memberships (
            email TEXT COLLATE RTRIM CONSTRAINT unique_email UNIQUE ON CONFLICT IGNORE,
            account_id INTEGER,
            CONSTRAINT unique_membership UNIQUE (
                account_id DESC,
                email COLLATE NOCASE ASC
            ) ON CONFLICT REPLACE
        )
-- ;;
CREATE TABLE t (
            value TEXT /* UNIQUE ON CONFLICT REPLACE */
                CHECK(value != 'UNIQUE(other)'),
            other TEXT
        )
-- ;;
CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT)
-- ;;
CREATE TABLE t("quoted id" INTEGER PRIMARY KEY AUTOINCREMENT)
-- ;;
CREATE TABLE t(id INTEGER PRIMARY KEY, value TEXT CHECK(value != 'AUTOINCREMENT'))
-- ;;
CREATE TABLE has_defaults (
            id INTEGER PRIMARY KEY,
            name TEXT,
            timestamp TEXT DEFAULT CURRENT_TIMESTAMP,
            is_active INTEGER NOT NULL DEFAULT 1
        )
-- ;;
CREATE TRIGGER "foo_counts_insert" AFTER INSERT ON "foo"
BEGIN
    INSERT OR REPLACE INTO "_counts"
    VALUES (
        'foo',
        COALESCE(
            (SELECT count FROM "_counts" WHERE "table" = 'foo'),
        0
        ) + 1
    );
END
-- ;;
CREATE TRIGGER "foo_counts_delete" AFTER DELETE ON "foo"
BEGIN
    INSERT OR REPLACE INTO "_counts"
    VALUES (
        'foo',
        COALESCE(
            (SELECT count FROM "_counts" WHERE "table" = 'foo'),
        0
        ) - 1
    );
END
-- ;;
CREATE TABLE IF NOT EXISTS "_counts"(
   "table" TEXT PRIMARY KEY,
   count INTEGER DEFAULT 0
)
-- ;;
SELECT quote(:value)
-- ;;
select "table", count from _counts where "table" in (?)
-- ;;
create table items (id integer primary key, data any) strict
-- ;;
insert into items values (1, ?)
-- ;;
insert into items values (?)
-- ;;
select
            tree.name,
            common_name_latin_name.common_name,
            common_name_latin_name.latin_name
        from tree
            join common_name_latin_name
            on tree.common_name_latin_name_id = common_name_latin_name.id
-- ;;
CREATE TABLE departments (
    campus_name TEXT NOT NULL,
    dept_code TEXT NOT NULL,
    dept_name TEXT,
    PRIMARY KEY (campus_name, dept_code)
)
-- ;;
CREATE TABLE courses (
    course_code TEXT PRIMARY KEY,
    course_name TEXT,
    campus_name TEXT NOT NULL,
    dept_code TEXT NOT NULL,
    FOREIGN KEY (campus_name, dept_code)
    REFERENCES departments(campus_name, dept_code)
)
-- ;;
CREATE TABLE departments (
        campus_name TEXT NOT NULL,
        dept_code TEXT NOT NULL,
        PRIMARY KEY (campus_name, dept_code)
    )
-- ;;
CREATE TABLE courses (
        course_code TEXT PRIMARY KEY,
        campus_name TEXT NOT NULL,
        dept_code TEXT NOT NULL,
        accreditation_id INTEGER REFERENCES accreditations(id),
        FOREIGN KEY (campus_name, dept_code)
        REFERENCES departments(campus_name, dept_code)
    )
-- ;;
CREATE TABLE books (
        id INTEGER PRIMARY KEY,
        author_id INTEGER REFERENCES authors(id)
            ON DELETE CASCADE ON UPDATE RESTRICT
    )
-- ;;
CREATE TABLE books (
        id INTEGER PRIMARY KEY,
        title TEXT,
        author_id INTEGER REFERENCES authors(id) ON DELETE CASCADE
    )
-- ;;
CREATE TABLE courses (
        course_code TEXT PRIMARY KEY,
        campus_name TEXT NOT NULL,
        dept_code TEXT NOT NULL,
        FOREIGN KEY (campus_name, dept_code)
        REFERENCES departments(campus_name, dept_code) ON DELETE CASCADE
    )
-- ;;
CREATE TABLE books (
        id INTEGER PRIMARY KEY,
        author_id INTEGER REFERENCES authors
    )
-- ;;
CREATE TABLE courses (
        course_code TEXT PRIMARY KEY,
        campus_name TEXT NOT NULL,
        dept_code TEXT NOT NULL,
        FOREIGN KEY (campus_name, dept_code) REFERENCES departments
    )
-- ;;
create table child (x text, y text, foreign key (x, y) references other)
-- ;;
with "original" as (
    select
        rowid,
        "title"
    from "books"
)
select
    "original"."title"
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    rowid
limit 10
-- ;;
with "original" as (
    select
        rowid,
        *
    from "books"
    where author = :author
)
select
    "original".*
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    "books_fts".rank
-- ;;
with "original" as (
    select
        rowid,
        "title"
    from "books"
)
select
    "original"."title"
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    rank_bm25(matchinfo("books_fts", 'pcnalx'))
-- ;;
with "original" as (
    select
        rowid,
        *
    from "books"
)
select
    "original".*
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    rank_bm25(matchinfo("books_fts", 'pcnalx'))
limit 1 offset 1
-- ;;
with "original" as (
    select
        rowid,
        *
    from "books"
)
select
    "original".*
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    rank_bm25(matchinfo("books_fts", 'pcnalx'))
limit 2
-- ;;
with "original" as (
    select
        rowid,
        *
    from "books"
    where author = :author
)
select
    "original".*
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    rank_bm25(matchinfo("books_fts", 'pcnalx'))
-- ;;
with "original" as (
    select
        rowid,
        *
    from "books"
)
select
    "original".*,
    "books_fts".rank rank
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    "books_fts".rank
-- ;;
with "original" as (
    select
        rowid,
        *
    from "books"
)
select
    "original".*,
    rank_bm25(matchinfo("books_fts", 'pcnalx')) rank
from
    "original"
    join "books_fts" on "original".rowid = "books_fts".rowid
where
    "books_fts" match :query
order by
    rank_bm25(matchinfo("books_fts", 'pcnalx'))
-- ;;
select count(*) from sqlite_master where type = 'trigger'
-- ;;
CREATE TABLE scores (
            score INTEGER CONSTRAINT positive CHECK(score > 0),
            maximum INTEGER,
            CONSTRAINT within_maximum CHECK(score <= maximum)
        )
-- ;;
create table t (id integer primary key, name text default 'O''Brien')
-- ;;
create table t (enabled integer default TRUE, disabled integer default false, nullable text default NULL)
-- ;;
CREATE VIRTUAL TABLE IF NOT EXISTS `foo` USING FTS4(name)
-- ;;
CREATE TABLE IF NOT EXISTS `foo` (id integer primary key)
-- ;;
create table t (id integer primary key) StriCt, WITHOUT ROWID
-- ;;
create table t (id integer primary key) WITHOUT ROWID
-- ;;
SELECT COUNT(*) as c FROM large
-- ;;
CREATE TABLE "species" (
   "renamed_id" INTEGER PRIMARY KEY,
   "this_at_front" INTEGER,
   "name" TEXT,
   "type" TEXT,
   "first_seen" TEXT,
   "make_not_null" INTEGER NOT NULL,
   "fk_to_other" INTEGER REFERENCES "other_table"("id"),
   "default_is_dog" TEXT DEFAULT 'dog',
   "extract_this" INTEGER REFERENCES "extract_this"("id"),
   "convert_to_upper" TEXT,
   "make_this_integer" INTEGER
)
-- ;;
insert into items values (?, ?)
-- ;;
select id, value from items order by id
-- ;;
select distinct name from pragma_function_list() order by 1
-- ;;
rollback
-- ;;
detach database foo
-- ;;
insert into dogs (name) values ('Pancakes') returning name
-- ;;
insert into dogs (name) values ('Pancakes'), ('Marnie') returning name
-- ;;
select one.id, two.id, one.value, two.value from one, two
-- ;;
insert into t (id, v) values (1, 'bad') returning id
-- ;;
select a_times_b_plus_c(2, 3, 4)
-- ;;
INSERT INTO "dogs_fts" (rowid, "name")
    SELECT rowid, "name" FROM "dogs"
-- ;;
SELECT name FROM sqlite_master
    WHERE rootpage = 0
    AND (
        sql LIKE :like
        OR sql LIKE :like2
        OR (
            tbl_name = :table
            AND sql LIKE '%VIRTUAL TABLE%USING FTS%'
        )
    )
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "dog_age" TEXT NOT NULL
)
-- ;;
CREATE TABLE "dogs" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "age" INTEGER DEFAULT 1
)
-- ;;
CREATE TABLE "places" (
   "id" INTEGER,
   "name" TEXT,
   "country" INTEGER REFERENCES "country"("id"),
   "continent" INTEGER REFERENCES "continent"("id"),
   "city" INTEGER REFERENCES "city"("id")
)
-- ;;
CREATE TABLE "places" (
   "id" INTEGER,
   "name" TEXT,
   "country" INTEGER REFERENCES "country"("id"),
   "continent" INTEGER REFERENCES "continent"("id"),
   "city" INTEGER
)
-- ;;
CREATE UNIQUE INDEX swap_idx ON t(alpha COLLATE NOCASE DESC, beta)
-- ;;
CREATE INDEX idx_t_name ON t(lower(name))
-- ;;
CREATE TABLE dogs (
            id INTEGER PRIMARY KEY,
            name TEXT UNIQUE ON CONFLICT IGNORE,
            age INTEGER
        )
-- ;;
CREATE TABLE memberships (
            account_id INTEGER,
            email TEXT,
            note TEXT,
            CONSTRAINT unique_membership
                UNIQUE (account_id DESC, email COLLATE NOCASE)
                ON CONFLICT ABORT
        )
-- ;;
CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT COLLATE NOCASE UNIQUE
        )
-- ;;
CREATE TABLE memberships (
            account_id INTEGER,
            email TEXT,
            UNIQUE (account_id, email)
        )
-- ;;
create view v2 as select name from v1
-- ;;
CREATE TABLE scores (
            id INTEGER PRIMARY KEY,
            score INTEGER CONSTRAINT valid_score CHECK(score BETWEEN 0 AND 100),
            CONSTRAINT nonzero_id CHECK(id != 0)
        )
-- ;;
CREATE TABLE inventory (
            quantity INTEGER,
            CHECK (
                quantity >= 0 -- Quantity cannot be negative
            )
        )
-- ;;
CREATE TABLE inventory (
            quantity INTEGER CONSTRAINT positive
                CHECK(quantity > 0 AND 'quantity' != ''),
            maximum INTEGER,
            CONSTRAINT within_maximum CHECK(quantity <= maximum)
        )
-- ;;
CREATE TABLE items (
            length TEXT,
            "old name" TEXT,
            CHECK(length("old name") > 0 AND length != '')
        )
-- ;;
CREATE TABLE t(old_name TEXT CHECK(old_name != ''))
-- ;;
CREATE TABLE t (
            nocase TEXT,
            kind TEXT,
            other TEXT,
            CHECK(
                other COLLATE nocase != ''
                AND CAST(other AS kind) != ''
                AND nocase != ''
                AND kind != ''
            )
        )
-- ;;
CREATE TABLE t (
            id INTEGER,
            obsolete INTEGER CHECK(obsolete > 0),
            CHECK(id > 0)
        )
-- ;;
CREATE TABLE ranges (
            minimum INTEGER,
            maximum INTEGER,
            CHECK(minimum <= maximum)
        )
-- ;;
INSERT INTO "dogs_new_suffix" ("rowid", "id", "name", "age")
   SELECT "rowid", "id", "name", NULLIF("age", '') FROM "dogs"
-- ;;
CREATE TABLE "dogs_new_suffix" (
   "id" INTEGER,
   "name" TEXT,
   "age" TEXT PRIMARY KEY
)
-- ;;
create table summary (
            Source text,
            Object text,
            Category text,
            Count integer,
            primary key (Source, Object, Category)
        )
-- ;;
select name, tbl_name as "table", sql from sqlite_master where type = 'trigger'
-- ;;
select
      sqlite_master.name as "table",
      indexes.name as index_name,
      xinfo.*
    from sqlite_master
      join pragma_index_list(sqlite_master.name) indexes
      join pragma_index_xinfo(index_name) xinfo
    where
      sqlite_master.type = 'table'
-- ;;
SELECT load_extension(?, ?)
-- ;;
REINDEX
-- ;;
SAVEPOINT "sqlite_utils_query"
-- ;;
select InitSpatialMetadata(1)
-- ;;
SELECT AddGeometryColumn(?, ?, ?, ?, ?, ?)
-- ;;
RELEASE "sqlite_utils_query"
-- ;;
ROLLBACK TO "sqlite_utils_query"
-- ;;
select sql from sqlite_master where sql is not null
-- ;;
select name, tbl_name, sql from sqlite_master where type = 'trigger'
-- ;;
select name, tbl_name, sql from sqlite_master where type = 'trigger' and tbl_name = ?
-- ;;
SELECT name FROM sqlite_master
                WHERE type = 'trigger'
                AND (sql LIKE '% INSERT INTO [{}]%' OR sql LIKE '% INSERT INTO "{}"%')
-- ;;
SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :index_name
-- ;;
