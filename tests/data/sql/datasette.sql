select 1 as intval, "s" as strval, 0.5 as floatval,
        '{"foo": "bar"}' as jsonval
-- ;;
delete from names where rowid = :rowid
-- ;;
select
      'extra database' as db,
      pk,
      text1,
      text2
    from
      [extra database].searchable
    union all
    select
      'fixtures' as db,
      pk,
      text1,
      text2
    from
      fixtures.searchable
-- ;;
select content, count(*) as n
-- ;;
select count(*)
-- ;;
create table if not exists maintable (
            id integer primary key,
            fk_integer integer references t1(id),
            fk_text text references t2(textid)
        )
-- ;;
select ('https://twitter.com/' || 'simonw') as user_url
-- ;;
select 'this is longer than 5' as a, 'https://example.com/' as b
-- ;;
select 1, 2
-- ;;
select 1 as num union select 2 as num
-- ;;
insert into t default values
-- ;;
select * from facetable where pk > 100
-- ;;
select pk, created, planet_int, on_earth, state, _city_id, _neighborhood, tags, complex_array, distinct_some_null, n from facetable order by pk limit 51
-- ;;
select 1, 'null' as actor_id
-- ;;
select :_uuid_new
-- ;;
insert or replace into t (id) values (1)
-- ;;
select id, content from simple_primary_key order by id limit 51
-- ;;
insert into items values (1, 'Alice', '["red"]')
-- ;;
CREATE TABLE generated_columns (
                    body TEXT,
                    id INT GENERATED ALWAYS AS (json_extract(body, '$.number')) STORED,
                    consideration INT GENERATED ALWAYS AS (json_extract(body, '$.string')) STORED
                )
-- ;;
select[name=_filter_column] option
-- ;;
CREATE TABLE compound_three_primary_keys (
  pk1 varchar(30),
  pk2 varchar(30),
  pk3 varchar(30),
  content text,
  PRIMARY KEY (pk1, pk2, pk3)
)
-- ;;
select[name='_filter_column']
-- ;;
select '# Hello there

* This is a list
* of items
--
[And a link](https://github.com/simonw/datasette-render-markdown).'
as demo_markdown
-- ;;
explain select 1 + 1
-- ;;
explain query plan select 1 + 1
-- ;;
explain WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM cnt LIMIT 10) SELECT x FROM cnt
-- ;;
explain query plan WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM cnt LIMIT 10) SELECT x FROM cnt
-- ;;
CREATE TABLE "Street_Tree_List" (
      "TreeID" INTEGER,
      "qSpecies" TEXT,
      "qAddress" TEXT,
      "SiteOrder" INTEGER,
      "qSiteInfo" TEXT,
      "PlantType" TEXT,
      "qCaretaker" TEXT
    )
-- ;;
select 1 + :one
-- ;;
select 1 + :one + :two
-- ;;
select 'bob' || '0:00' || :cat
-- ;;
INSERT OR REPLACE INTO databases (database_name, path, is_memory, schema_version)
                VALUES (?, ?, ?, ?)
-- ;;
ATTACH DATABASE "file:{path}?{qs}" AS [{name}]
-- ;;
select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase
-- ;;
select 1 from sqlite_master where type='table' and name=?
-- ;;
select sql from sqlite_master where name = :n and type=:t
-- ;;
select sql from sqlite_master where tbl_name = :n and type='index' and sql is not null
-- ;;
select name from sqlite_master
                where rootpage = 0
                and (
                    sql like '%VIRTUAL TABLE%USING FTS%'
                ) or name in ('sqlite_stat1', 'sqlite_stat2', 'sqlite_stat3', 'sqlite_stat4')
-- ;;
select name from sqlite_master
                        where name like "idx_%"
                        and type = "table"
-- ;;
select name from sqlite_master where type = "view"
-- ;;
select * from sqlite_master where type="table"
-- ;;
select name from sqlite_master
                where rootpage = 0
                and sql like '%VIRTUAL TABLE%USING FTS%'
-- ;;
select name from sqlite_master
                where rootpage = 0
                and (
                    sql like :fts_double_quoted escape char(92)
                    or sql like :fts_bracket_quoted escape char(92)
                    or (
                        tbl_name = :table
                        and sql like '%VIRTUAL TABLE%USING FTS%'
                    )
                )
-- ;;
select 1 from sqlite_master where tbl_name = "geometry_columns"
-- ;;
INSERT INTO tables (database_name, table_name, rootpage, sql)
        values (?, ?, ?, ?)
-- ;;
INSERT INTO columns (
            database_name, table_name, cid, name, type, "notnull", default_value, is_pk, hidden
        ) VALUES (
            :database_name, :table_name, :cid, :name, :type, :notnull, :default_value, :is_pk, :hidden
        )
-- ;;
INSERT INTO foreign_keys (
            database_name, table_name, "id", seq, "table", "from", "to", on_update, on_delete, match
        ) VALUES (
            :database_name, :table_name, :id, :seq, :table, :from, :to, :on_update, :on_delete, :match
        )
-- ;;
INSERT INTO indexes (
            database_name, table_name, seq, name, "unique", origin, partial
        ) VALUES (
            :database_name, :table_name, :seq, :name, :unique, :origin, :partial
        )
-- ;;
CREATE TABLE IF NOT EXISTS databases (
        database_name TEXT PRIMARY KEY,
        path TEXT,
        is_memory INTEGER,
        schema_version INTEGER
    )
-- ;;
CREATE TABLE IF NOT EXISTS tables (
        database_name TEXT,
        table_name TEXT,
        rootpage INTEGER,
        sql TEXT,
        PRIMARY KEY (database_name, table_name),
        FOREIGN KEY (database_name) REFERENCES databases(database_name)
    )
-- ;;
CREATE TABLE IF NOT EXISTS columns (
        database_name TEXT,
        table_name TEXT,
        cid INTEGER,
        name TEXT,
        type TEXT,
        "notnull" INTEGER,
        default_value TEXT, -- renamed from dflt_value
        is_pk INTEGER, -- renamed from pk
        hidden INTEGER,
        PRIMARY KEY (database_name, table_name, name),
        FOREIGN KEY (database_name) REFERENCES databases(database_name),
        FOREIGN KEY (database_name, table_name) REFERENCES tables(database_name, table_name)
    )
-- ;;
CREATE TABLE IF NOT EXISTS indexes (
        database_name TEXT,
        table_name TEXT,
        seq INTEGER,
        name TEXT,
        "unique" INTEGER,
        origin TEXT,
        partial INTEGER,
        PRIMARY KEY (database_name, table_name, name),
        FOREIGN KEY (database_name) REFERENCES databases(database_name),
        FOREIGN KEY (database_name, table_name) REFERENCES tables(database_name, table_name)
    )
-- ;;
CREATE TABLE IF NOT EXISTS foreign_keys (
        database_name TEXT,
        table_name TEXT,
        id INTEGER,
        seq INTEGER,
        "table" TEXT,
        "from" TEXT,
        "to" TEXT,
        on_update TEXT,
        on_delete TEXT,
        match TEXT,
        PRIMARY KEY (database_name, table_name, id, seq),
        FOREIGN KEY (database_name) REFERENCES databases(database_name),
        FOREIGN KEY (database_name, table_name) REFERENCES tables(database_name, table_name)
    )
-- ;;
