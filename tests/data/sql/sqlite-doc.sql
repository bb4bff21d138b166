CREATE TABLE x1(x INTEGER)
-- ;;
INSERT INTO x1 VALUES(1)
-- ;;
INSERT INTO x1 VALUES(NULL)
-- ;;
CREATE TABLE t1(a)
-- ;;
SELECT * FROM (SELECT t1.a FROM t1 JOIN t2 ORDER BY t2.x LIMIT 1) ORDER BY 1
-- ;;
CREATE TABLE OpenDocTree(
  filename TEXT PRIMARY KEY,  -- Name of file
  filesize BIGINT,            -- Size of file after decompression
  content BLOB                -- Compressed file content
)
-- ;;
CREATE TABLE slide(
  pageNumber INTEGER,   -- The slide page number
  slideContent TEXT     -- Slide content as XML or JSON
)
-- ;;
CREATE INDEX slide_pgnum ON slide(pageNumber)
-- ;;
SELECT slideContent FROM slide WHERE pageNumber=1
-- ;;
CREATE TABLE slide(
  slideId INTEGER PRIMARY KEY,
  derivedFrom INTEGER REFERENCES slide,
  content TEXT     -- XML or JSON or whatever
)
-- ;;
CREATE TABLE version(
  versionId INTEGER PRIMARY KEY,
  priorVersion INTEGER REFERENCES version,
  checkinTime DATETIME,   -- When this version was saved
  comment TEXT,           -- Description of this version
  manifest TEXT           -- List of integer slideIds
)
-- ;;
SELECT manifest, versionId FROM version ORDER BY versionId DESC LIMIT 1
-- ;;
SELECT manifest, versionId, max(checkinTime) FROM version
-- ;;
CREATE TABLE files(filename TEXT PRIMARY KEY, content BLOB)
-- ;;
ALTER TABLE tab1 RENAME TO tab1_real
-- ;;
CREATE VIEW tab1 AS SELECT * FROM tab1 WHERE system('rm -rf *') IS NOT NULL
-- ;;
PRAGMA journal_mode=PERSIST
-- ;;
PRAGMA journal_mode=DELETE
-- ;;
BEGIN EXCLUSIVE
-- ;;
COMMIT
-- ;;
INSERT INTO test1(rowid, a, b) VALUES(123, 5, 'hello')
-- ;;
SELECT snippet(t1) FROM t1 WHERE cx MATCH $pattern
-- ;;
SELECT snippet(x'6092310100000000') FROM t1 WHERE cx MATCH $pattern
-- ;;
SELECT ca.value FROM t1, carray(t1,10) AS ca WHERE cx MATCH $pattern
-- ;;
SELECT * FROM bytecode('SELECT * FROM bytecode(?1)')
-- ;;
CREATE TABLE bytecode(
  addr INT,
  opcode TEXT,
  p1 INT,
  p2 INT,
  p3 INT,
  p4 TEXT,
  p5 INT,
  comment TEXT,
  subprog TEXT,
  stmt HIDDEN
)
-- ;;
CREATE TABLE tables_used(
  type TEXT,
  schema TEXT,
  name TEXT,
  wr INT,
  subprog TEXT,
  stmt HIDDEN
)
-- ;;
SELECT zColumn FROM zDb.zTable WHERE rowid = iRow
-- ;;
SELECT eval('DELETE FROM t1') FROM t2
-- ;;
INSERT INTO table1 VALUES('Hi y''all')
-- ;;
SELECT obj.* FROM obj, carray($PTR, 10) AS x
 WHERE obj.rowid=x.value
-- ;;
SELECT * FROM obj WHERE rowid IN carray($PTR, 10)
-- ;;
SELECT count(*), verify_checksum(data)
  FROM sqlite_dbpage
 GROUP BY 2
-- ;;
PRAGMA checksum_verification
-- ;;
PRAGMA checksum_verification=ON
-- ;;
INSERT INTO "new_table" VALUES('hello',10)
-- ;;
SELECT name FROM sqlite_schema 
WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'
ORDER BY 1
-- ;;
SELECT sql FROM sqlite_schema
ORDER BY tbl_name, type DESC, name
-- ;;
CREATE TABLE selftest(
  tno INTEGER PRIMARY KEY,  -- Test number
  op TEXT,                  -- 'run' or 'memo'
  cmd TEXT,                 -- SQL command to run, or text of "memo"
  ans TEXT                  -- Expected result of the SQL command
)
-- ;;
CREATE TEMP TABLE sqlite_parameters(
  key TEXT PRIMARY KEY,
  value
) WITHOUT ROWID
-- ;;
CREATE INDEX x1_idx_000123a7 ON x1(a, b)
-- ;;
SELECT DISTINCT candidate COLLATE nocase
  FROM completion($prefix, $wholeline)
 ORDER BY 1
-- ;;
SELECT * FROM t1
-- ;;
CREATE TABLE t1(a INT, b VARCHAR(10))
-- ;;
INSERT INTO t1(a,b) VALUES('123',456)
-- ;;
CREATE TABLE t1(a INT, b TEXT, c REAL)
-- ;;
CREATE VIEW v1(x,y,z) AS SELECT b, a+c, 42 FROM t1 WHERE b!=11
-- ;;
CREATE TABLE t1(
    t  TEXT,     -- text affinity by rule 2
    nu NUMERIC,  -- numeric affinity by rule 5
    i  INTEGER,  -- integer affinity by rule 1
    r  REAL,     -- real affinity by rule 4
    no BLOB      -- no affinity by rule 3
)
-- ;;
INSERT INTO t1 VALUES('500.0', '500.0', '500.0', '500.0', '500.0')
-- ;;
SELECT typeof(t), typeof(nu), typeof(i), typeof(r), typeof(no) FROM t1
-- ;;
INSERT INTO t1 VALUES(500.0, 500.0, 500.0, 500.0, 500.0)
-- ;;
INSERT INTO t1 VALUES(NULL,NULL,NULL,NULL,NULL)
-- ;;
CREATE TABLE t1(
    a TEXT,      -- text affinity
    b NUMERIC,   -- numeric affinity
    c BLOB,      -- no affinity
    d            -- no affinity
)
-- ;;
INSERT INTO t1 VALUES('500', '500', '500', 500)
-- ;;
SELECT typeof(a), typeof(b), typeof(c), typeof(d) FROM t1
-- ;;
CREATE TABLE t1(
    x INTEGER PRIMARY KEY,
    a,                 /* collating sequence BINARY */
    b COLLATE BINARY,  /* collating sequence BINARY */
    c COLLATE RTRIM,   /* collating sequence RTRIM  */
    d COLLATE NOCASE   /* collating sequence NOCASE */
)
-- ;;
INSERT INTO t1 VALUES(1,'abc','abc', 'abc  ','abc')
-- ;;
SELECT x FROM t1 WHERE a = b ORDER BY x
-- ;;
SELECT x FROM t1 WHERE a = b COLLATE RTRIM ORDER BY x
-- ;;
SELECT x FROM t1 WHERE 'abc' = c ORDER BY x
-- ;;
SELECT x FROM t1 WHERE c = 'abc' ORDER BY x
-- ;;
SELECT count(*) FROM t1 GROUP BY d ORDER BY 1
-- ;;
SELECT count(*) FROM t1 GROUP BY (d || '') ORDER BY 1
-- ;;
SELECT x FROM t1 ORDER BY c, x
-- ;;
SELECT x FROM t1 ORDER BY (c||''), x
-- ;;
SELECT x FROM t1 ORDER BY c COLLATE NOCASE, x
-- ;;
CREATE TABLE ex1(a,b,c)
-- ;;
CREATE TABLE t1(a INTEGER UNIQUE)
-- ;;
VALUES(12345678901234567890)
-- ;;
SELECT DISTINCT * FROM t3
-- ;;
ATTACH 'auxdata1.db' AS aux1
-- ;;
SELECT data FROM sqlite_dbpage('aux1') WHERE pgno=1
-- ;;
SELECT dbpage.data, dblist.name
  FROM pragma_database_list AS dblist
  JOIN sqlite_dbpage(dblist.name) AS dbpage
 WHERE dbpage.pgno=1
-- ;;
CREATE VIRTUAL TABLE temp.stat USING dbstat(main)
-- ;;
CREATE TABLE dbstat(
  name       TEXT,        -- Name of table or index
  path       TEXT,        -- Path to page from root
  pageno     INTEGER,     -- Page number, or page count
  pagetype   TEXT,        -- 'internal', 'leaf', 'overflow', or NULL
  ncell      INTEGER,     -- Cells on page (0 for overflow pages)
  payload    INTEGER,     -- Bytes of payload on this page or btree
  unused     INTEGER,     -- Bytes of unused space on this page or btree
  mx_payload INTEGER,     -- Largest payload size of all cells on this row
  pgoffset   INTEGER,     -- Byte offset of the page in the database file
  pgsize     INTEGER,     -- Size of the page, in bytes
  schema     TEXT HIDDEN, -- Database schema being analyzed
  aggregate  BOOL HIDDEN  -- True to enable aggregate mode
)
-- ;;
SELECT count(*) FROM dbstat('aux1') WHERE name='xyz'
-- ;;
SELECT pageno FROM dbstat('aux1',1) WHERE name='xyz'
-- ;;
SELECT sum(pgsize-unused)*100.0/sum(pgsize) FROM dbstat WHERE name='xyz'
-- ;;
SELECT (pgsize-unused)*100.0/pgsize FROM dbstat
 WHERE name='xyz' AND aggregate=TRUE
-- ;;
SELECT avg(ncell) FROM dbstat WHERE name='xyz' AND pagetype='internal'
-- ;;
CREATE TEMP TABLE s(rowid INTEGER PRIMARY KEY, pageno INT)
-- ;;
INSERT INTO s(pageno) SELECT pageno FROM dbstat ORDER BY path
-- ;;
SELECT sum(s1.pageno+1==s2.pageno)*1.0/count(*)
  FROM s AS s1, s AS s2
 WHERE s1.rowid+1=s2.rowid
-- ;;
DROP TABLE s
-- ;;
CREATE TABLE account_change(
  chng_id INTEGER PRIMARY KEY,
  acct_no INTEGER REFERENCES account,
  location INTEGER REFERENCES locations,
  amt INTEGER,  -- in cents
  authority TEXT,
  comment TEXT
)
-- ;;
CREATE INDEX acctchng_magnitude ON account_change(acct_no, abs(amt))
-- ;;
SELECT * FROM account_change WHERE acct_no=$xyz AND abs(amt)>=10000
-- ;;
SELECT * FROM account_change WHERE acct_no=$xyz
 ORDER BY abs(amt) DESC
-- ;;
CREATE INDEX t2xy ON t2(x+y)
-- ;;
SELECT * FROM t2 WHERE y+x=22
-- ;;
INSERT INTO t1 VALUES(NULL,123)
-- ;;
INSERT INTO t1 VALUES((SELECT max(a) FROM t1)+1,123)
-- ;;
CREATE TABLE sqlite_schema (
  type TEXT,
  name TEXT,
  tbl_name TEXT,
  rootpage INTEGER,
  sql TEXT
)
-- ;;
SELECT name FROM 
   (SELECT * FROM sqlite_schema UNION ALL
    SELECT * FROM sqlite_temp_schema)
WHERE type='table'
ORDER BY name
-- ;;
CREATE TABLE ex25(a,b,c,d,e,PRIMARY KEY(d,c,a)) WITHOUT rowid
-- ;;
CREATE INDEX ex25acde ON ex25(a,c,d,e)
-- ;;
CREATE INDEX ex25ae ON ex25(a COLLATE nocase,e)
-- ;;
CREATE TABLE sqlite_sequence(name,seq)
-- ;;
CREATE TABLE sqlite_stat2(tbl,idx,sampleno,sample)
-- ;;
CREATE TABLE sqlite_stat3(tbl,idx,nEq,nLt,nDLt,sample)
-- ;;
CREATE TABLE attribute(name TEXT PRIMARY KEY, value) WITHOUT ROWID
-- ;;
SELECT typeof(value) FROM json_each('{"a":1,"b":2.5,"c":"hello"}')
-- ;;
WITH RECURSIVE c(x,v) AS (
  VALUES(0,'1')
  UNION ALL
  SELECT x+1, decimal_mul(v,'2') FROM c WHERE x+1<=971
) INSERT INTO pow2(x,v) SELECT x, v FROM c
-- ;;
WITH RECURSIVE c(x,v) AS (
  VALUES(-1,'0.5')
  UNION ALL
  SELECT x-1, decimal_mul(v,'0.5') FROM c WHERE x-1>=-1075
) INSERT INTO pow2(x,v) SELECT x, v FROM c
-- ;;
WITH c(n) AS (VALUES(47.49))
                 ----XXXXX----------- Replace with whatever you want
SELECT decimal_mul(ieee754_mantissa(c.n),pow2.v)
  FROM pow2, c WHERE pow2.x=ieee754_exponent(c.n)
-- ;;
CREATE TABLE track(
  trackid     INTEGER, 
  trackname   TEXT, 
  trackartist INTEGER,
  FOREIGN KEY(trackartist) REFERENCES artist(artistid)
)
-- ;;
CREATE TABLE parent(a PRIMARY KEY, b UNIQUE, c, d, e, f)
-- ;;
CREATE UNIQUE INDEX i1 ON parent(c, d)
-- ;;
CREATE UNIQUE INDEX i3 ON parent(f COLLATE nocase)
-- ;;
CREATE TABLE child1(f, g REFERENCES parent(a))
-- ;;
CREATE TABLE child3(j, k, FOREIGN KEY(j, k) REFERENCES parent(c, d))
-- ;;
CREATE TABLE child7(r REFERENCES parent(c))
-- ;;
CREATE TABLE parent2(a, b, PRIMARY KEY(a,b))
-- ;;
CREATE TABLE child8(x, y, FOREIGN KEY(x,y) REFERENCES parent2)
-- ;;
CREATE TABLE child9(x REFERENCES parent2)
-- ;;
CREATE TABLE child10(x,y,z, FOREIGN KEY(x,y,z) REFERENCES parent2)
-- ;;
SELECT rowid FROM track WHERE trackartist = ?
-- ;;
CREATE TABLE track(
  trackid     INTEGER,
  trackname   TEXT, 
  trackartist INTEGER REFERENCES artist
)
-- ;;
CREATE TABLE album(
  albumartist TEXT,
  albumname TEXT,
  albumcover BINARY,
  PRIMARY KEY(albumartist, albumname)
)
-- ;;
CREATE TABLE song(
  songid     INTEGER,
  songartist TEXT,
  songalbum TEXT,
  songname   TEXT,
  FOREIGN KEY(songartist, songalbum) REFERENCES album(albumartist, albumname)
)
-- ;;
CREATE TABLE track(
  trackid     INTEGER,
  trackname   TEXT, 
  trackartist INTEGER REFERENCES artist(artistid) DEFERRABLE INITIALLY DEFERRED
)
-- ;;
CREATE TABLE track(
  trackid     INTEGER,
  trackname   TEXT, 
  trackartist INTEGER REFERENCES artist(artistid) ON UPDATE CASCADE
)
-- ;;
CREATE TABLE track(
  trackid     INTEGER,
  trackname   TEXT, 
  trackartist INTEGER DEFAULT 0 REFERENCES artist(artistid) ON DELETE SET DEFAULT
)
-- ;;
CREATE TRIGGER on_delete_set_default AFTER DELETE ON artist BEGIN
  UPDATE child SET trackartist = 0 WHERE trackartist = old.artistid;
END
-- ;;
CREATE TABLE parent(x PRIMARY KEY)
-- ;;
CREATE TABLE child(y REFERENCES parent ON UPDATE SET NULL)
-- ;;
CREATE VIRTUAL TABLE enrondata1 USING fts3(content TEXT)
-- ;;
SELECT count(*) FROM enrondata1 WHERE content MATCH 'linux'
-- ;;
SELECT count(*) FROM enrondata2 WHERE content LIKE '%linux%'
-- ;;
CREATE VIRTUAL TABLE data USING fts3()
-- ;;
CREATE VIRTUAL TABLE pages USING fts4(title, keywords, body)
-- ;;
CREATE VIRTUAL TABLE mail USING fts3(
  subject VARCHAR(256) NOT NULL,
  body TEXT CHECK(length(body)<10240)
)
-- ;;
CREATE VIRTUAL TABLE papers USING fts3(author, document, tokenize=porter)
-- ;;
CREATE VIRTUAL TABLE data USING fts4(tokenize=simple)
-- ;;
CREATE VIRTUAL TABLE names USING fts3(a, b, tokenize=icu en_AU)
-- ;;
CREATE VIRTUAL TABLE pages USING fts4(title, body)
-- ;;
INSERT INTO pages(docid, title, body) VALUES(53, 'Home Page', 'SQLite is a software...')
-- ;;
INSERT INTO pages(title, body) VALUES('Download', 'All SQLite source code...')
-- ;;
UPDATE pages SET title = 'Download SQLite' WHERE rowid = 54
-- ;;
DELETE FROM pages
-- ;;
INSERT INTO pages(rowid, docid, title, body) VALUES(1, 2, 'A title', 'A document body')
-- ;;
INSERT INTO docs(docs) VALUES('optimize')
-- ;;
SELECT * FROM mail WHERE rowid = 15
-- ;;
SELECT * FROM mail WHERE body MATCH 'sqlite'
-- ;;
SELECT * FROM mail WHERE rowid BETWEEN 15 AND 20
-- ;;
SELECT * FROM mail WHERE subject = 'database'
-- ;;
CREATE VIRTUAL TABLE docs USING fts4(content)
-- ;;
SELECT * FROM docs WHERE docs.docs MATCH 'sqlite'
-- ;;
SELECT * FROM docs WHERE main.docs.docs MATCH 'sqlite'
-- ;;
INSERT INTO docs(docid, content) VALUES(1, 'a database is a software system')
-- ;;
SELECT docid FROM docs WHERE docs MATCH 'sqlite AND database OR library'
-- ;;
SELECT docid FROM docs WHERE docs MATCH 'sqlite AND database'
  UNION
SELECT docid FROM docs WHERE docs MATCH 'library'
-- ;;
SELECT docid FROM docs WHERE docs MATCH 'linux'
  INTERSECT
SELECT docid FROM (
  SELECT docid FROM docs WHERE docs MATCH '"sqlite library"'
    UNION
  SELECT docid FROM docs WHERE docs MATCH '"sqlite database"'
)
-- ;;
INSERT INTO mail VALUES('hello world', 'This message is a hello world message.')
-- ;;
SELECT offsets(mail) FROM mail WHERE mail MATCH 'world'
-- ;;
SELECT snippet(text, '[', ']', '...') FROM text WHERE text MATCH '"min* tem*"'
-- ;;
SELECT matchinfo(t1, 'ns') FROM t1 WHERE t1 MATCH 'default transaction'
-- ;;
CREATE VIRTUAL TABLE temp.ft_terms_2 USING fts4aux(main,ft)
-- ;;
SELECT term, col, documents, occurrences FROM ft_terms
-- ;;
CREATE VIRTUAL TABLE papers USING fts4(tokenize=porter, tokenize=simple)
-- ;;
CREATE VIRTUAL TABLE papers USING fts3(tokenize=porter, tokenize=simple, tokenize=icu)
-- ;;
CREATE VIRTUAL TABLE papers USING fts4(author, document, compress=zip, uncompress=unzip)
-- ;;
CREATE VIRTUAL TABLE t1 USING fts4(content="", a, b, c)
-- ;;
INSERT INTO t1(docid, a, b, c) VALUES(1, 'a b c', 'd e f', 'g h i')
-- ;;
INSERT INTO t1(a, b, c) VALUES('j k l', 'm n o', 'p q r')
-- ;;
SELECT a, b FROM t1 WHERE t1 MATCH 'xxx'
-- ;;
SELECT docid FROM t1 WHERE a LIKE 'xxx%'
-- ;;
CREATE TABLE t2(id INTEGER PRIMARY KEY, a, b, c)
-- ;;
CREATE VIRTUAL TABLE t3 USING fts4(content="t2", a, c)
-- ;;
INSERT INTO t2 VALUES(2, 'a b', 'c d', 'e f')
-- ;;
INSERT INTO t3(docid, b, c) SELECT id, b, c FROM t2
-- ;;
UPDATE t2 SET b = 'xxx', c = 'yyy' WHERE rowid = 3
-- ;;
CREATE TABLE t1_real(id INTEGER PRIMARY KEY, a, b, c, d)
-- ;;
DELETE FROM t1_fts WHERE rowid = 123
-- ;;
CREATE TRIGGER t2_bu BEFORE UPDATE ON t2 BEGIN
  DELETE FROM t3 WHERE docid=old.rowid;
END
-- ;;
CREATE TRIGGER t2_bd BEFORE DELETE ON t2 BEGIN
  DELETE FROM t3 WHERE docid=old.rowid;
END
-- ;;
CREATE TRIGGER t2_au AFTER UPDATE ON t2 BEGIN
  INSERT INTO t3(docid, b, c) VALUES(new.rowid, new.b, new.c);
END
-- ;;
CREATE TRIGGER t2_ai AFTER INSERT ON t2 BEGIN
  INSERT INTO t3(docid, b, c) VALUES(new.rowid, new.b, new.c);
END
-- ;;
SELECT * FROM t1 WHERE t1 MATCH 'abc' AND lid=5
-- ;;
CREATE VIRTUAL TABLE t1 USING fts4(c1, c2, c3, c4, notindexed=c1, notindexed=c3)
-- ;;
CREATE VIRTUAL TABLE thai_text USING fts3(text, tokenize=icu th_TH)
-- ;;
CREATE VIRTUAL TABLE txt2 USING fts4(tokenize=unicode61 "remove_diacritics=2")
-- ;;
CREATE VIRTUAL TABLE txt3 USING fts4(tokenize=unicode61 "tokenchars=.=" "separators=X")
-- ;;
CREATE VIRTUAL TABLE txt5 USING fts4(
    tokenize=unicode61 "tokenchars=." "separators=X." "tokenchars=="
)
-- ;;
CREATE VIRTUAL TABLE tok1 USING fts3tokenize('porter')
-- ;;
SELECT token, start, end, position 
  FROM tok1
 WHERE input='This is a test sentence.'
-- ;;
SELECT substr(input, start+1, end-start), token, position
  FROM tok1
 WHERE input='This is a test sentence.'
-- ;;
CREATE VIRTUAL TABLE abc USING fts4(a NUMBER, b TEXT, c)
-- ;;
INSERT INTO fts_table(col) VALUES(char(0xfeff)||'text...')
-- ;;
INSERT INTO fts_table(col) VALUES(CAST(X'FEFF' AS TEXT))
-- ;;
CREATE TABLE documents_data(docid INTEGER PRIMARY KEY, weight)
-- ;;
SELECT * FROM email WHERE email MATCH 'fts5' ORDER BY rank
-- ;;
SELECT highlight(email, 2, '<b>', '</b>') FROM email('fts5')
-- ;;
CREATE VIRTUAL TABLE mail USING fts5(sender, title, body, tokenize = 'porter ascii')
-- ;;
CREATE VIRTUAL TABLE customers USING fts5(name, addr, uuid UNINDEXED)
-- ;;
CREATE VIRTUAL TABLE ft USING fts5(a, b, prefix='2 3')
-- ;;
CREATE VIRTUAL TABLE ft USING fts5(a, b, prefix=2, prefix=3)
-- ;;
CREATE VIRTUAL TABLE t1 USING fts5(x, tokenize = 'porter ascii')
-- ;;
CREATE VIRTUAL TABLE t1 USING fts5(x, tokenize = "porter ascii")
-- ;;
CREATE VIRTUAL TABLE t1 USING fts5(x, tokenize = 'porter' 'ascii')
-- ;;
SELECT * FROM tri WHERE a LIKE '%cdefg%'
-- ;;
SELECT * FROM tri WHERE a GLOB '*ij klm*xyz'
-- ;;
CREATE TABLE tbl (a, b, c, d INTEGER PRIMARY KEY)
-- ;;
SELECT d, a, c FROM tbl WHERE d = ?
-- ;;
CREATE TABLE tbl(a INTEGER PRIMARY KEY, b, c)
-- ;;
CREATE VIRTUAL TABLE fts_idx USING fts5(b, c, content='tbl', content_rowid='a')
-- ;;
CREATE TRIGGER tbl_ad AFTER DELETE ON tbl BEGIN
  INSERT INTO fts_idx(fts_idx, rowid, b, c) VALUES('delete', old.a, old.b, old.c);
END
-- ;;
CREATE TRIGGER tbl_au AFTER UPDATE ON tbl BEGIN
  INSERT INTO fts_idx(fts_idx, rowid, b, c) VALUES('delete', old.a, old.b, old.c);
  INSERT INTO fts_idx(rowid, b, c) VALUES (new.a, new.b, new.c);
END
-- ;;
CREATE VIRTUAL TABLE ft USING fts5(a, b, c, columnsize=0)
-- ;;
CREATE VIRTUAL TABLE ft USING fts5(a, b, columnsize='1', c)
-- ;;
CREATE VIRTUAL TABLE ft1 USING fts5(a, b, c, detail=full)
-- ;;
CREATE VIRTUAL TABLE ft2 USING fts5(a, b, c, detail=column)
-- ;;
CREATE VIRTUAL TABLE ft3 USING fts5(a, b, c, detail=none)
-- ;;
SELECT highlight(email, 2, '<b>', '</b>') FROM email WHERE email MATCH 'fts5'
-- ;;
SELECT * FROM fts WHERE fts MATCH ? ORDER BY bm25(fts)
-- ;;
SELECT * FROM email WHERE email MATCH ? ORDER BY bm25(email, 10.0, 5.0)
-- ;;
SELECT highlight(fts, 0, '<b>', '</b>') FROM fts WHERE fts MATCH ?
-- ;;
SELECT * FROM fts WHERE fts MATCH ? ORDER BY rank
-- ;;
SELECT * FROM fts WHERE fts MATCH ? AND rank MATCH 'bm25(10.0, 5.0)' ORDER BY rank
-- ;;
SELECT * FROM fts WHERE fts = ? AND rank = 'bm25(10.0, 5.0)' ORDER BY rank
-- ;;
SELECT * FROM fts WHERE fts(?, 'bm25(10.0, 5.0)') ORDER BY rank
-- ;;
INSERT INTO ft(rowid, a, b, c) VALUES(14, $a, $b, $c)
-- ;;
INSERT INTO ft(ft, rowid, a, b, c) VALUES('delete', 14, $a, $b, $c)
-- ;;
SELECT count(*) FROM ftstable
-- ;;
CREATE VIRTUAL TABLE ft1_v USING fts5vocab('ft1', 'row')
-- ;;
CREATE VIRTUAL TABLE temp.ft1_v USING fts5vocab(main, 'ft1', 'row')
-- ;;
CREATE VIRTUAL TABLE temp.ft2_v USING fts5vocab('aux', ft2, col)
-- ;;
CREATE VIRTUAL TABLE temp.ft2_v USING fts5vocab('aux', ft3, 'instance')
-- ;;
CREATE VIRTUAL TABLE ft1_v_row USING fts5vocab(ft1, row)
-- ;;
CREATE VIRTUAL TABLE t1 USING fts4(
  linkid INTEGER,
  header CHAR(20),
  text VARCHAR,
  notindexed=linkid,
  matchinfo=fts3,
  tokenizer=unicode61
)
-- ;;
CREATE VIRTUAL TABLE t1 USING fts5(
  linkid UNINDEXED,
  header,
  text,
  columnsize=0
)
-- ;;
CREATE TABLE t1(
   a INTEGER PRIMARY KEY,
   b INT,
   c TEXT,
   d INT GENERATED ALWAYS AS (a*abs(b)) VIRTUAL,
   e TEXT GENERATED ALWAYS AS (substr(c,b,b+1)) STORED
)
-- ;;
CREATE TABLE t1(
   a INTEGER PRIMARY KEY,
   b INT,
   c TEXT,
   d INT AS (a*abs(b)),
   e TEXT AS (substr(c,b,b+1)) STORED
)
-- ;;
SELECT * FROM newtab WHERE geopoly_overlap(_shape, $query_polygon)
-- ;;
SELECT geopoly_svg($polygon,'class="poly"','style="fill:blue;"')
-- ;;
SELECT '<svg width="600" height="300">'
-- ;;
WITH t1(x,y,n,color) AS (VALUES
   (100,100,3,'red'),
   (200,100,4,'orange'),
   (300,100,5,'green'),
   (400,100,6,'blue'),
   (500,100,7,'purple'),
   (100,200,8,'red'),
   (200,200,10,'orange'),
   (300,200,12,'green'),
   (400,200,16,'blue'),
   (500,200,20,'purple')
)
SELECT
   geopoly_svg(geopoly_regular(x,y,40,n),
        printf('style="fill:none;stroke:%s;stroke-width:2"',color))
   || printf(' <text x="%d" y="%d" alignment-baseline="central" text-anchor="middle">%d</text>',x,y+6,n)
  FROM t1
-- ;;
CREATE TABLE t2(b TEXT,c INT,a INT, PRIMARY KEY(b,c,a)) WITHOUT ROWID
-- ;;
INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)
 SELECT 'table','t2','t2',rootpage,
   'CREATE TABLE t2(b,c,a,PRIMARY KEY(b,c,a))WITHOUT ROWID'
   FROM sqlite_schema
  WHERE name='t1bc'
-- ;;
ATTACH DATABASE ':memory:' AS aux1
-- ;;
CREATE TABLE json_tree(
    key ANY,             -- key for current element relative to its parent
    value ANY,           -- value for the current element
    type TEXT,           -- 'object','array','string','integer', etc.
    atom ANY,            -- value for primitive types, null for array & object
    id INTEGER,          -- integer ID for this element
    parent INTEGER,      -- integer ID for the parent of this element
    fullkey TEXT,        -- full path describing the current element
    path TEXT,           -- path to the container of the current row
    json JSON HIDDEN,    -- 1st input parameter: the raw JSON
    root TEXT HIDDEN     -- 2nd input parameter: the PATH at which to start
)
-- ;;
SELECT DISTINCT user.name
  FROM user, json_each(user.phone)
 WHERE json_each.value LIKE '704-%'
-- ;;
SELECT name FROM user WHERE phone LIKE '704-%'
UNION
SELECT user.name
  FROM user, json_each(user.phone)
 WHERE json_valid(user.phone)
   AND json_each.value LIKE '704-%'
-- ;;
SELECT big.rowid, fullkey, value
  FROM big, json_tree(big.json)
 WHERE json_tree.type NOT IN ('object','array')
-- ;;
SELECT big.rowid, fullkey, atom
  FROM big, json_tree(big.json)
 WHERE atom IS NOT NULL
-- ;;
SELECT DISTINCT json_extract(big.json,'$.id')
  FROM big, json_tree(big.json, '$.partlist')
 WHERE json_tree.key='uuid'
   AND json_tree.value='6fa5181e-5721-11e5-a04e-57f3d7b32808'
-- ;;
PRAGMA analysis_limit=400
-- ;;
CREATE TABLE t1(x INT CHECK( x>3 ))
-- ;;
INSERT INTO t1(x) VALUES(2)
-- ;;
SELECT x FROM t1
-- ;;
CREATE TRIGGER update_customer_address UPDATE OF address ON customers 
  BEGIN
    UPDATE orders SET address = new.address WHERE customer_name = old.name;
  END
-- ;;
UPDATE customers SET address = '1 Main St.' WHERE name = 'Jack Jones'
-- ;;
CREATE VIEW customer_address AS
   SELECT cust_id, cust_addr FROM customer
-- ;;
CREATE TRIGGER cust_addr_chng
INSTEAD OF UPDATE OF cust_addr ON customer_address
BEGIN
  UPDATE customer SET cust_addr=NEW.cust_addr
   WHERE cust_id=NEW.cust_id;
END
-- ;;
UPDATE customer_address SET cust_addr=$new_address WHERE cust_id=$cust_id
-- ;;
CREATE TEMP TABLE t1(x, y)
-- ;;
CREATE TABLE aux.t1(x, y)
-- ;;
CREATE TABLE t0(
  a INTEGER PRIMARY KEY,
  b DATE DEFAULT CURRENT_TIMESTAMP,
  c INTEGER
)
-- ;;
INSERT INTO t0(c) VALUES(random()) RETURNING *
-- ;;
SELECT a, b, sum(c) FROM tab1 GROUP BY a
-- ;;
UPDATE inventory
   SET quantity = quantity - daily.amt
  FROM (SELECT sum(quantity) AS amt, itemId FROM sales GROUP BY 2) AS daily
 WHERE inventory.itemId = daily.itemId
-- ;;
UPDATE inventory
   SET quantity = quantity - daily.amt
  FROM inventory, 
       (SELECT sum(quantity) AS amt, itemId FROM sales GROUP BY 2) AS daily
 WHERE inventory.itemId = daily.itemId
-- ;;
CREATE TABLE vocabulary(word TEXT PRIMARY KEY, count INT DEFAULT 1)
-- ;;
INSERT INTO vocabulary(word) VALUES('jovial')
  ON CONFLICT(word) DO UPDATE SET count=count+1
-- ;;
INSERT INTO phonebook(name,phonenumber) VALUES('Alice','704-555-1212')
  ON CONFLICT(name) DO UPDATE SET phonenumber=excluded.phonenumber
-- ;;
INSERT INTO phonebook2(name,phonenumber,validDate)
  VALUES('Alice','704-555-1212','2018-05-08')
  ON CONFLICT(name) DO UPDATE SET
    phonenumber=excluded.phonenumber,
    validDate=excluded.validDate
  WHERE excluded.validDate>phonebook2.validDate
-- ;;
INSERT INTO t1 SELECT * FROM t2 WHERE true
ON CONFLICT(x) DO UPDATE SET y=excluded.y
-- ;;
WITH RECURSIVE
  cnt(x) AS (VALUES(1) UNION ALL SELECT x+1 FROM cnt WHERE x<1000000)
SELECT x FROM cnt
-- ;;
WITH RECURSIVE
  cnt(x) AS (
     SELECT 1
     UNION ALL
     SELECT x+1 FROM cnt
      LIMIT 1000000
  )
SELECT x FROM cnt
-- ;;
WITH RECURSIVE
  works_for_alice(n) AS (
    VALUES('Alice')
    UNION
    SELECT name FROM org, works_for_alice
     WHERE org.boss=works_for_alice.n
  )
SELECT avg(height) FROM org
 WHERE org.name IN works_for_alice
-- ;;
WITH RECURSIVE
  parent_of(name, parent) AS
    (SELECT name, mom FROM family UNION SELECT name, dad FROM family),
  ancestor_of_alice(name) AS
    (SELECT parent FROM parent_of WHERE name='Alice'
     UNION ALL
     SELECT parent FROM parent_of JOIN ancestor_of_alice USING(name))
SELECT family.name FROM ancestor_of_alice, family
 WHERE ancestor_of_alice.name=family.name
   AND died IS NULL
 ORDER BY born
-- ;;
WITH RECURSIVE nodes(x) AS (
   SELECT 59
   UNION
   SELECT aa FROM edge JOIN nodes ON bb=x
   UNION
   SELECT bb FROM edge JOIN nodes ON aa=x
)
SELECT x FROM nodes
-- ;;
CREATE TABLE derivedfrom(
  xfrom INTEGER NOT NULL REFERENCES checkin, -- parent checkin
  xto INTEGER NOT NULL REFERENCES checkin,   -- derived checkin
  PRIMARY KEY(xfrom,xto)
)
-- ;;
WITH RECURSIVE
  ancestor(id,mtime) AS (
    SELECT id, mtime FROM checkin WHERE id=@BASELINE
    UNION
    SELECT derivedfrom.xfrom, checkin.mtime
      FROM ancestor, derivedfrom, checkin
     WHERE ancestor.id=derivedfrom.xto
       AND checkin.id=derivedfrom.xfrom
     ORDER BY checkin.mtime DESC
     LIMIT 20
  )
SELECT * FROM checkin JOIN ancestor USING(id)
-- ;;
CREATE TABLE org(
  name TEXT PRIMARY KEY,
  boss TEXT REFERENCES org
) WITHOUT ROWID
-- ;;
INSERT INTO org VALUES('Alice',NULL)
-- ;;
WITH RECURSIVE
  under_alice(name,level) AS (
    VALUES('Alice',0)
    UNION ALL
    SELECT org.name, under_alice.level+1
      FROM org JOIN under_alice ON org.boss=under_alice.name
     ORDER BY 2
  )
SELECT substr('..........',1,level*3) || name FROM under_alice
-- ;;
WITH RECURSIVE
  under_alice(name,level) AS (
    VALUES('Alice',0)
    UNION ALL
    SELECT org.name, under_alice.level+1
      FROM org JOIN under_alice ON org.boss=under_alice.name
     ORDER BY 2 DESC
  )
SELECT substr('..........',1,level*3) || name FROM under_alice
-- ;;
WITH RECURSIVE
  xaxis(x) AS (VALUES(-2.0) UNION ALL SELECT x+0.05 FROM xaxis WHERE x<1.2),
  yaxis(y) AS (VALUES(-1.0) UNION ALL SELECT y+0.1 FROM yaxis WHERE y<1.0),
  m(iter, cx, cy, x, y) AS (
    SELECT 0, x, y, 0.0, 0.0 FROM xaxis, yaxis
    UNION ALL
    SELECT iter+1, cx, cy, x*x-y*y + cx, 2.0*x*y + cy FROM m 
     WHERE (x*x + y*y) < 4.0 AND iter<28
  ),
  m2(iter, cx, cy) AS (
    SELECT max(iter), cx, cy FROM m GROUP BY cx, cy
  ),
  a(t) AS (
    SELECT group_concat( substr(' .+*#', 1+min(iter/7,4), 1), '') 
    FROM m2 GROUP BY cy
  )
SELECT group_concat(rtrim(t),x'0a') FROM a
-- ;;
WITH RECURSIVE
  input(sud) AS (
    VALUES('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79')
  ),
  digits(z, lp) AS (
    VALUES('1', 1)
    UNION ALL SELECT
    CAST(lp+1 AS TEXT), lp+1 FROM digits WHERE lp<9
  ),
  x(s, ind) AS (
    SELECT sud, instr(sud, '.') FROM input
    UNION ALL
    SELECT
      substr(s, 1, ind-1) || z || substr(s, ind+1),
      instr( substr(s, 1, ind-1) || z || substr(s, ind+1), '.' )
     FROM x, digits AS z
    WHERE ind>0
      AND NOT EXISTS (
            SELECT 1
              FROM digits AS lp
             WHERE z.z = substr(s, ((ind-1)/9)*9 + lp, 1)
                OR z.z = substr(s, ((ind-1)%9) + (lp-1)*9 + 1, 1)
                OR z.z = substr(s, (((ind-1)/3) % 3) * 3
                        + ((ind-1)/27) * 27 + lp
                        + ((lp-1) / 3) * 6, 1)
         )
  )
SELECT s FROM x WHERE ind=0
-- ;;
CREATE TABLE sqlite_memstat(
  name TEXT,
  schema TEXT,
  value INT,
  hiwtr INT
)
-- ;;
SELECT sql FROM localdb.sqlite_schema WHERE name=='vfile'
-- ;;
SELECT value FROM vvar WHERE name='repository'
-- ;;
ATTACH DATABASE '/home/drh/www/repos/sqlite.fossil' AS 'repository' KEY ''
-- ;;
SELECT 1 FROM config WHERE name='baseurl:http://'
-- ;;
CREATE TEMP TABLE IF NOT EXISTS timeline(
  rid INTEGER PRIMARY KEY,
  uuid TEXT,
  timestamp TEXT,
  comment TEXT,
  user TEXT,
  isleaf BOOLEAN,
  bgcolor TEXT,
  etype TEXT,
  taglist TEXT,
  tagid INTEGER,
  short TEXT,
  sortby REAL
)
-- ;;
INSERT OR IGNORE INTO timeline SELECT
  blob.rid AS blobRid,
  uuid AS uuid,
  datetime(event.mtime,toLocal()) AS timestamp,
  coalesce(ecomment, comment) AS comment,
  coalesce(euser, user) AS user,
  blob.rid IN leaf AS leaf,
  bgcolor AS bgColor,
  event.type AS eventType,
  (SELECT group_concat(substr(tagname,5), ', ') FROM tag, tagxref
    WHERE tagname GLOB 'sym-*' AND tag.tagid=tagxref.tagid
      AND tagxref.rid=blob.rid AND tagxref.tagtype>0) AS tags,
  tagid AS tagid,
  brief AS brief,
  event.mtime AS mtime
 FROM event CROSS JOIN blob
WHERE blob.rid=event.objid
 AND NOT EXISTS(SELECT 1 FROM tagxref WHERE tagid=5 AND tagtype>0 AND rid=blob.rid)
 ORDER BY event.mtime DESC LIMIT 50
-- ;;
SELECT count(*) FROM timeline WHERE etype!='div'
-- ;;
SELECT min(timestamp) FROM timeline
-- ;;
SELECT julianday('2016-09-15 14:54:51',fromLocal())
-- ;;
SELECT EXISTS (SELECT 1 FROM event CROSS JOIN blob WHERE blob.rid=event.objid AND mtime<=2457647.121412037)
-- ;;
SELECT EXISTS (SELECT 1 FROM event CROSS JOIN blob WHERE blob.rid=event.objid AND mtime>=2457656.238009259)
-- ;;
SELECT * FROM timeline ORDER BY sortby DESC
-- ;;
SELECT value FROM tagxref WHERE tagid=8 AND tagtype>0 AND rid=68028
-- ;;
SELECT pid FROM plink WHERE cid=68028 AND pid NOT IN phantom ORDER BY isprim DESC
-- ;;
SELECT 1 FROM tagxref WHERE rid=68028 AND tagid=9 AND tagtype>0
-- ;;
SELECT 1 FROM private WHERE rid=68028
-- ;;
SELECT status='Closed' OR status='Fixed' FROM ticket  WHERE tkt_uuid>='1ec41379c9c1e400' AND tkt_uuid<'1ec41379c9c1e401'
-- ;;
SELECT 1 FROM blob WHERE uuid>='5990a1bdb4a073' AND uuid<'5990a1bdb4a074'
-- ;;
SELECT count(*) FROM plink
 WHERE pid=67928 AND isprim
   AND coalesce((SELECT value FROM tagxref
                  WHERE tagid=8 AND rid=plink.pid), 'trunk')
      =coalesce((SELECT value FROM tagxref
                  WHERE tagid=8 AND rid=plink.cid), 'trunk')
-- ;;
PRAGMA localdb.freelist_count
-- ;;
INSERT INTO t1(a,b) VALUES(1, 'abc'||char(0)||'xyz')
-- ;;
SELECT a, CAST(b AS BLOB) FROM t1
-- ;;
SELECT count(*) FROM t1 WHERE instr(b,char(0))>0
-- ;;
UPDATE t1 SET b=substr(b,1,instr(b,char(0)))
 WHERE instr(b,char(0))
-- ;;
insert into t1 values(1,0,0)
-- ;;
insert into t1 values(5,null,0)
-- ;;
insert into t1 values(7,null,null)
-- ;;
select a, case when b<>0 then 1 else 0 end from t1
-- ;;
select a+10, case when not b<>0 then 1 else 0 end from t1
-- ;;
select a+20, case when b<>0 and c<>0 then 1 else 0 end from t1
-- ;;
select a+30, case when not (b<>0 and c<>0) then 1 else 0 end from t1
-- ;;
select a+40, case when b<>0 or c<>0 then 1 else 0 end from t1
-- ;;
select a+50, case when not (b<>0 or c<>0) then 1 else 0 end from t1
-- ;;
select a+60, case b when c then 1 else 0 end from t1
-- ;;
select a+80, b*0 from t1
-- ;;
select a+90, b*c from t1
-- ;;
select a+100, b+c from t1
-- ;;
select count(*), count(b), sum(b), avg(b), min(b), max(b) from t1
-- ;;
select a+110 from t1 where b10
-- ;;
select a+130 from t1 where b<10 OR c=1
-- ;;
select a+140 from t1 where b<10 AND c=1
-- ;;
select a+150 from t1 where not (b<10 AND c=1)
-- ;;
select a+160 from t1 where not (c=1 AND b<10)
-- ;;
select distinct b from t1
-- ;;
select b from t1 union select b from t1
-- ;;
create table t2(a int, b int unique)
-- ;;
insert into t2 values(1,1)
-- ;;
insert into t2 values(2,null)
-- ;;
CREATE TABLE people(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  height INT NOT NULL, -- in cm
  CHECK( role IN ('student','teacher') )
)
-- ;;
SELECT name FROM people WHERE height>=180
-- ;;
SELECT name FROM people
 WHERE role IN (SELECT DISTINCT role FROM people)
   AND height>=180
-- ;;
SELECT name FROM people WHERE role='teacher' AND height>=180
UNION ALL
SELECT name FROM people WHERE role='student' AND height>=180
-- ;;
SELECT * FROM tab1 LEFT JOIN tab2 ON tab1.x=tab2.y
-- ;;
SELECT * FROM tab1 LEFT JOIN tab2 WHERE tab1.x=tab2.y
-- ;;
CREATE TABLE edge(
   orig INTEGER REFERENCES node,
   dest INTEGER REFERENCES node,
   PRIMARY KEY(orig, dest)
)
-- ;;
SELECT *
  FROM edge AS e,
       node AS n1,
       node AS n2
 WHERE n1.name = 'alice'
   AND n2.name = 'bob'
   AND e.orig = n1.id
   AND e.dest = n2.id
-- ;;
SELECT *
  FROM node AS n1 CROSS JOIN
       edge AS e CROSS JOIN
       node AS n2
 WHERE n1.name = 'alice'
   AND n2.name = 'bob'
   AND e.orig = n1.id
   AND e.dest = n2.id
-- ;;
SELECT z FROM ex2 WHERE x=5 AND y=6
-- ;;
SELECT z FROM ex2 WHERE +x=5 AND y=6
-- ;;
SELECT z FROM ex2 WHERE x BETWEEN 1 AND 100 AND y BETWEEN 1 AND 100
-- ;;
SELECT z FROM ex3 WHERE w=5 AND x BETWEEN 1 AND 100 AND y BETWEEN 1 AND 100
-- ;;
SELECT t1.a, t2.b FROM t2, (SELECT x+y AS a FROM t1 WHERE z<100) WHERE a>5
-- ;;
SELECT t1.x+t1.y AS a, t2.b FROM t2, t1 WHERE z<100 AND a>5
-- ;;
SELECT expensive_function(a) FROM tab ORDER BY date DESC LIMIT 5
-- ;;
SELECT expensive_function(a) FROM (
  SELECT a FROM tab ORDER BY date DESC LIMIT 5
)
-- ;;
SELECT * FROM t1, t2 WHERE a=c
-- ;;
SELECT a, (SELECT d FROM t2 WHERE c=b) FROM t1
-- ;;
CREATE VIEW v1(a,b) AS SELECT DISTINCT a, b FROM t1
-- ;;
SELECT x, y, b
  FROM t2 JOIN v1 ON (x=a)
 WHERE b BETWEEN 10 AND 20
-- ;;
SELECT x, y, b
  FROM t2
  JOIN (SELECT DISTINCT a, b FROM t1 WHERE b BETWEEN 10 AND 20)
 WHERE b BETWEEN 10 AND 20
-- ;;
SELECT urls.url
  FROM urls
  LEFT JOIN
    (SELECT *
      FROM (SELECT url_id AS uid, max(retrieval_time) AS rtime
              FROM lookups GROUP BY 1 ORDER BY 1)
      WHERE uid IN (358341,358341,358341)
    ) recent
    ON u.source_seed_id = recent.xyz OR u.url_id = recent.xyz
 WHERE
     DATETIME(recent.rtime) > DATETIME('now', '-5 days')
-- ;;
SELECT v1, v3 FROM t1 
  LEFT JOIN t2 ON (t1.ipk=t2.ipk)
  LEFT JOIN t3 ON (t1.ipk=t3.ipk)
-- ;;
SELECT v1, v3 FROM t1 
  LEFT JOIN t3 ON (t1.ipk=t3.ipk)
-- ;;
SELECT * FROM t1 WHERE a=b AND b=5
-- ;;
CREATE INDEX po_parent ON purchaseorder(parent_po) WHERE parent_po IS NOT NULL
-- ;;
CREATE UNIQUE INDEX team_leader ON person(team_id) WHERE is_team_leader
-- ;;
SELECT person_id FROM person WHERE is_team_leader AND team_id=?1
-- ;;
CREATE INDEX ex1 ON tab1(a,b) WHERE a=5 OR b=6
-- ;;
SELECT * FROM tab1 WHERE b=6 AND a=7
-- ;;
CREATE INDEX ex2 ON tab2(b,c) WHERE c IS NOT NULL
-- ;;
SELECT * FROM tab2 WHERE b=456 AND c<>0
-- ;;
PRAGMA index_info('idx52')
-- ;;
SELECT DISTINCT m.name || '.' || ii.name AS 'indexed-columns'
  FROM sqlite_schema AS m,
       pragma_index_list(m.name) AS il,
       pragma_index_info(il.name) AS ii
 WHERE m.type='table'
 ORDER BY 1
-- ;;
ATTACH ':memory:' AS 'information_schema'
-- ;;
SELECT 1
  FROM plink JOIN tagxref ON tagxref.rid=plink.cid
 WHERE tagxref.tagid=$trunk
   AND plink.pid=$ckid
-- ;;
CREATE TABLE plink(
  pid INTEGER REFERENCES blob,
  cid INTEGER REFERENCES blob
)
-- ;;
CREATE TABLE tagxref(
  tagid INTEGER REFERENCES tag,
  mtime TIMESTAMP,
  rid INTEGER REFERENCE blob,
  UNIQUE(rid, tagid)
)
-- ;;
SELECT price FROM fruitsforsale WHERE fruit='Orange' AND state='CA'
-- ;;
CREATE INDEX Idx4 ON FruitsForSale(fruit, state, price)
-- ;;
SELECT price FROM FruitsForSale WHERE fruit='Orange' OR state='CA'
-- ;;
SELECT * FROM fruitsforsale ORDER BY fruit
-- ;;
SELECT * FROM fruitforsale WHERE fruit='Orange' ORDER BY state
-- ;;
SELECT * FROM fruitforsale WHERE fruit='Orange' ORDER BY state DESC
-- ;;
SELECT * FROM fruitforsale ORDER BY fruit, price
-- ;;
SELECT max(salary), first_name, last_name FROM employee
-- ;;
CREATE TRIGGER AFTER INSERT ON tableX BEGIN
  INSERT INTO tableY(b) VALUES(new.a);
END
-- ;;
CREATE TABLE t1(a INTEGER PRIMARY KEY, b TEXT, c UNIQUE)
-- ;;
CREATE TABLE data_t1(a INTEGER, b TEXT, c, rbu_control)
-- ;;
CREATE TABLE data_ft1(a, b, langid, rbu_rowid, rbu_control)
-- ;;
INSERT INTO data_t1(a, b, c, rbu_control) VALUES(4, NULL, 'usa', '..x')
-- ;;
UPDATE t1 SET c = rbu_delta(c, 'usa') WHERE a = 4
-- ;;
INSERT INTO data_ft1(a, b, rbu_rowid, rbu_control) 
  VALUES(NULL, 'usa', 12, '.x')
-- ;;
CREATE VIRTUAL TABLE ft2 USING fts4
-- ;;
CREATE VIEW data0_ccc_fts AS SELECT * FROM data_ccc
-- ;;
CREATE VIEW data0_ccc_fts AS SELECT i AS rbu_rowid, k, CASE 
  WHEN rbu_control IN (0,1) THEN rbu_control ELSE substr(rbu_control, 2) END
FROM data_ccc
-- ;;
SELECT
  (1,2,3) = (1,2,3),          -- 1
  (1,2,3) = (1,NULL,3),       -- NULL
  (1,2,3) = (1,NULL,4),       -- 0
  (1,2,3) < (2,3,4),          -- 1
  (1,2,3) < (1,2,4),          -- 1
  (1,2,3) < (1,3,NULL),       -- 1
  (1,2,3) < (1,2,NULL),       -- NULL
  (1,3,5) < (1,2,NULL),       -- 0
  (1,2,NULL) IS (1,2,NULL)
-- ;;
INSERT INTO t1(a,b,c) VALUES(1,2,3)
-- ;;
SELECT (1,2,3)=(SELECT * FROM t1)
-- ;;
INSERT INTO t2(x,y,z) VALUES(1,2,3),(2,3,4),(1,NULL,5)
-- ;;
SELECT
   (1,2,3) IN (SELECT * FROM t2),  -- 1
   (7,8,9) IN (SELECT * FROM t2),  -- 0
   (1,3,5) IN (SELECT * FROM t2)
-- ;;
UPDATE tab3 
   SET (a,b,c) = (SELECT x,y,z
                    FROM tab4
                   WHERE tab4.w=tab3.d)
 WHERE tab3.e BETWEEN 55 AND 66
-- ;;
SELECT * FROM contacts
 ORDER BY lastname, firstname
 LIMIT 7
-- ;;
SELECT * FROM contacts
 ORDER BY lastname, firstname
 LIMIT 7 OFFSET 7
-- ;;
SELECT * FROM contacts
 WHERE (lastname,firstname) > (?1,?2)
 ORDER BY lastname, firstname
 LIMIT 7
-- ;;
SELECT * FROM info
 WHERE (year,month,day) BETWEEN (2015,9,12) AND (2016,9,12)
-- ;;
SELECT ordid, prodid, qty
  FROM item
 WHERE (prodid, qty) IN (SELECT prodid, qty
                           FROM item
                          WHERE ordid = 365)
-- ;;
SELECT t1.ordid, t1.prodid, t1.qty
  FROM item AS t1, item AS t2
 WHERE t1.prodid=t2.prodid
   AND t1.qty=t2.qty
   AND t2.ordid=365
-- ;;
SELECT t1.ordid, t1.prodid, t1.qty
  FROM item AS t1, item AS t2
 WHERE (t1.prodid,t1.qty) = (t2.prodid,t2.qty)
   AND t2.ordid=365
-- ;;
UPDATE ftsdocs SET
  idxed=1,
  name=NULL,
  (label,url,mtime) = 
      (SELECT printf('Check-in [%%.16s] on %%s',blob.uuid,
                     datetime(event.mtime)),
              printf('/timeline?y=ci&c=%%.20s',blob.uuid),
              event.mtime
         FROM event, blob
        WHERE event.objid=ftsdocs.rid
          AND blob.rid=ftsdocs.rid)
WHERE ftsdocs.type='c' AND NOT ftsdocs.idxed
-- ;;
UPDATE tab1 SET (a,b)=(b,a)
-- ;;
UPDATE tab1 SET a=b, b=a
-- ;;
SELECT * FROM tab1 WHERE a=?1 AND b=?2
-- ;;
SELECT * FROM tab1 WHERE (a,b)=(?1,?2)
-- ;;
CREATE VIRTUAL TABLE demo_index USING rtree(
   id,              -- Integer primary key
   minX, maxX,      -- Minimum and maximum X coordinate
   minY, maxY       -- Minimum and maximum Y coordinate
)
-- ;;
INSERT INTO demo_index VALUES
  (28215, -80.781227, -80.604706, 35.208813, 35.297367),
  (28216, -80.957283, -80.840599, 35.235920, 35.367825),
  (28217, -80.960869, -80.869431, 35.133682, 35.208233),
  (28226, -80.878983, -80.778275, 35.060287, 35.154446),
  (28227, -80.745544, -80.555382, 35.130215, 35.236916),
  (28244, -80.844208, -80.841988, 35.223728, 35.225471),
  (28262, -80.809074, -80.682938, 35.276207, 35.377747),
  (28269, -80.851471, -80.735718, 35.272560, 35.407925),
  (28270, -80.794983, -80.728966, 35.059872, 35.161823),
  (28273, -80.994766, -80.875259, 35.074734, 35.172836),
  (28277, -80.876793, -80.767586, 35.001709, 35.101063),
  (28278, -81.058029, -80.956375, 35.044701, 35.223812),
  (28280, -80.844208, -80.841972, 35.225468, 35.227203),
  (28282, -80.846382, -80.844193, 35.223972, 35.225655)
-- ;;
SELECT id FROM demo_index
 WHERE minX<=-80.77470 AND maxX>=-80.77470
   AND minY<=35.37785  AND maxY>=35.37785
-- ;;
SELECT A.id FROM demo_index AS A, demo_index AS B
 WHERE A.maxX>=B.minX AND A.minX<=B.maxX
   AND A.maxY>=B.minY AND A.minY<=B.maxY
   AND B.id=28269
-- ;;
SELECT id FROM demo_index
 WHERE maxY>=35.0  AND minY<=35.0
-- ;;
UPDATE demo_index SET maxY=maxY+0.5 WHERE id=?1
-- ;;
SELECT objname FROM demo_data, demo_index
 WHERE demo_data.id=demo_index.id
   AND contained_in(demo_data.boundary, 35.37785, -80.77470)
   AND minX<=-80.77470 AND maxX>=-80.77470
   AND minY<=35.37785  AND maxY>=35.37785
-- ;;
SELECT objname FROM demo_data
 WHERE contained_in(demo_data.boundary, 35.37785, -80.77470)
-- ;;
CREATE VIRTUAL TABLE demo_index2 USING rtree(
   id,              -- Integer primary key
   minX, maxX,      -- Minimum and maximum X coordinate
   minY, maxY,      -- Minimum and maximum Y coordinate
   +objname TEXT,   -- name of the object
   +objtype TEXT,   -- object type
   +boundary BLOB   -- detailed boundary of object
)
-- ;;
SELECT objname FROM demo_index2
 WHERE contained_in(boundary, 35.37785, -80.77470)
   AND minX<=-80.77470 AND maxX>=-80.77470
   AND minY<=35.37785  AND maxY>=35.37785
-- ;;
CREATE VIRTUAL TABLE intrtree USING rtree_i32(id,x0,x1,y0,y1,z0,z1)
-- ;;
SELECT id FROM demo_index WHERE id MATCH circle(45.3, 22.9, 5.0)
-- ;;
SELECT rtreecheck('demo_index')
-- ;;
SELECT value FROM generate_series(5,100,5)
-- ;;
SELECT random() FROM generate_series(1,20)
-- ;;
SELECT customer.name
  FROM customer, generate_series(10000,20000,100)
 WHERE customer.id=value
-- ;;
SELECT name FROM customer
 WHERE id IN (SELECT value
                FROM generate_series(10000,20000,200))
-- ;;
INSERT INTO demo(word) SELECT word FROM big_vocabulary
-- ;;
INSERT INTO demo(word) SELECT term FROM search_aux WHERE col='*'
-- ;;
INSERT INTO demo(word,rank)
   SELECT term, documents FROM search_aux WHERE col='*'
-- ;;
SELECT word FROM demo WHERE word MATCH 'kennes*' AND top=5
-- ;;
INSERT INTO demo(word,langid) SELECT word, 0 FROM en_vocabulary
-- ;;
INSERT INTO editcost(iLang, cFrom, cTo, iCost)
VALUES(0, 'a', 'ä', 5)
-- ;;
BEGIN
-- ;;
INSERT INTO space_used VALUES('sqlite_schema','sqlite_schema',0,36,36,1,5188,0,0,379,0,1,0,0,27309,0,0,32768)
-- ;;
CREATE TABLE sqlar(
  name TEXT PRIMARY KEY,  -- name of the file
  mode INT,               -- access permissions
  mtime INT,              -- last modification time
  sz INT,                 -- original file size
  data BLOB               -- compressed content
)
-- ;;
INSERT INTO sqlar(name,mode,mtime,sz,data)
 VALUES ($name,$mode,strftime('%s',$mtime),
         length($content),sqlar_compress($content))
-- ;;
SELECT sum(mem) FROM sqlite_stmt WHERE run=0
-- ;;
CREATE TABLE sqlite_stmt(
  sql    TEXT,    -- Original SQL text
  ncol   INT,     -- Number of output columns
  ro     BOOLEAN, -- True for "read only" statements
  busy   BOOLEAN, -- True if the statement is current running
  nscan  INT,     -- Number of full-scan steps
  nsort  INT,     -- Number of sort operations
  naidx  INT,     -- Number of automatic index inserts
  nstep  INT,     -- Number of byte-code engine steps
  reprep INT,     -- Number of reprepare operations
  run    INT,     -- Number of times this statement has been run
  mem    INT      -- Heap memory used by this statement
)
-- ;;
CREATE TABLE t1(a ANY) STRICT
-- ;;
SELECT typeof(a), quote(a) FROM t1
-- ;;
CREATE VIRTUAL TABLE temp.sv USING swarmvtab (
  'SELECT ...',                -- the SELECT statement
  maxopen = 20,                -- An optional parameter
  missing='missing_udf'        -- Another optional parameter
)
-- ;;
CREATE VIRTUAL TABLE temp.x1 USING swarmvtab (
  "SELECT :dir || local_filename, tbl, min, max FROM components",
  :dir = '/home/user/app/databases/'
)
-- ;;
CREATE VIRTUAL TABLE temp.x1 USING swarmvtab (
  "SELECT ...",
  maxopen=30
)
-- ;;
CREATE VIRTUAL TABLE temp.x1 USING swarmvtab (
  "SELECT ...",
  openclose = 'openclose_udf'
)
-- ;;
CREATE VIRTUAL TABLE temp.x1 USING swarmvtab (
  "SELECT ...",
  openclose = 'openclose_udf',
  missing='missing_udf'
)
-- ;;
PRAGMA locking_mode=EXCLUSIVE
-- ;;
SELECT * FROM ex1 WHERE ex1.a IN (SELECT b FROM ex2)
-- ;;
SELECT * FROM ex1 WHERE EXISTS(SELECT 1 FROM ex2 WHERE ex2.b=ex1.a)
-- ;;
SELECT * FROM ex1 WHERE a IN (1,2,3)
-- ;;
SELECT * FROM ex1 WHERE a IN (SELECT 1 UNION ALL
                              SELECT 2 UNION ALL
                              SELECT 3)
-- ;;
SELECT * FROM ex1 JOIN (SELECT b FROM ex2) AS t ON t.b=ex1.a
-- ;;
SELECT ex1.*, ex2.b FROM ex1 JOIN ex2 ON ex2.b=ex1.a
-- ;;
CREATE TEMP TRIGGER ex1_it AFTER INSERT ON ex1 BEGIN
  INSERT INTO undolog VALUES(NULL,'DELETE FROM ex1 WHERE rowid='||new.rowid);
END
-- ;;
CREATE TEMP TRIGGER ex1_ut AFTER UPDATE ON ex1 BEGIN
  INSERT INTO undolog VALUES(NULL,'UPDATE ex1
     SET a='||quote(old.a)||',b='||quote(old.b)||',c='||quote(old.c)||'
   WHERE rowid='||old.rowid);
END
-- ;;
CREATE TEMP TRIGGER ex1_dt BEFORE DELETE ON ex1 BEGIN
  INSERT INTO undolog VALUES(NULL,'INSERT INTO ex1(rowid,a,b,c)
    VALUES('||old.rowid||','||quote(old.a)||','||quote(old.b)||
           ','||quote(old.c)||')');
END
-- ;;
SELECT one, two, one || two AS 'both'
FROM examp
WHERE one LIKE 'H%'
-- ;;
DELETE FROM examp WHERE two<50
-- ;;
UPDATE examp SET one= '(' || one || ')' WHERE two < 50
-- ;;
SELECT * FROM examp WHERE two==50
-- ;;
SELECT * FROM examp WHERE two<50
-- ;;
SELECT * FROM examp WHERE two IN (50, 100)
-- ;;
SELECT * FROM examp WHERE two%50 == 10
-- ;;
SELECT * FROM examp WHERE two&127 == 3
-- ;;
SELECT * FROM examp WHERE two+10 == 50
-- ;;
SELECT * FROM examp WHERE two==50 OR two==100
-- ;;
SELECT * FROM examp, examp2 WHERE two<50 AND four==two
-- ;;
SELECT * FROM examp ORDER BY one DESC, two
-- ;;
SELECT three, min(three+four)+avg(four) 
FROM examp2
GROUP BY three
-- ;;
SELECT three, min(three+four)+avg(four) 
FROM examp2
WHERE three>four
GROUP BY three
HAVING avg(four)<10
-- ;;
SELECT * FROM examp
WHERE two!=(SELECT three FROM examp2
            WHERE four=5)
-- ;;
SELECT * FROM examp
WHERE two IN (SELECT three FROM examp2)
-- ;;
SELECT two FROM examp
EXCEPT
SELECT four FROM examp2
-- ;;
CREATE VIRTUAL TABLE tablename USING modulename(arg1, arg2, ...)
-- ;;
CREATE VIRTUAL TABLE temp.tablename USING module(arg1, ...)
-- ;;
CREATE TABLE x(a HIDDEN VARCHAR(12), b INTEGER, c INTEGER Hidden)
-- ;;
CREATE TABLE generate_series(
  value,
  start HIDDEN,
  stop HIDDEN,
  step HIDDEN
)
-- ;;
SELECT value FROM generate_series(5,50)
-- ;;
SELECT * FROM realtab, tablevaluedfunc(realtab.x)
-- ;;
SELECT * FROM realtab, tablevaluedfunc
 WHERE tablevaluedfunc.param1 = realtab.x
-- ;;
INSERT INTO t0 VALUES (1, 'aaa'), (2, 'ccc'), (3, 'bbb')
-- ;;
SELECT x, y, row_number() OVER (ORDER BY y) AS row_number FROM t0 ORDER BY x
-- ;;
SELECT x, y, row_number() OVER win1, rank() OVER win2 
FROM t0 
WINDOW win1 AS (ORDER BY y RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
       win2 AS (PARTITION BY y ORDER BY x)
ORDER BY x
-- ;;
INSERT INTO t1 VALUES   (1, 'A', 'one'  ),
                        (2, 'B', 'two'  ),
                        (3, 'C', 'three'),
                        (4, 'D', 'one'  ),
                        (5, 'E', 'two'  ),
                        (6, 'F', 'three'),
                        (7, 'G', 'one'  )
-- ;;
SELECT a, b, group_concat(b, '.') OVER (
  ORDER BY a ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING
) AS group_concat FROM t1
-- ;;
SELECT c, a, b, group_concat(b, '.') OVER (
  PARTITION BY c ORDER BY a RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
) AS group_concat
FROM t1 ORDER BY c, a
-- ;;
SELECT c, a, b, group_concat(b, '.') OVER (
  PARTITION BY c ORDER BY a RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
) AS group_concat
FROM t1 ORDER BY a
-- ;;
SELECT a, b, c, 
       group_concat(b, '.') OVER (ORDER BY c) AS group_concat 
FROM t1 ORDER BY a
-- ;;
SELECT c, a, b, group_concat(b, '.') OVER (
  ORDER BY c, a ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
) AS group_concat
FROM t1 ORDER BY c, a
-- ;;
SELECT c, a, b,
  group_concat(b, '.') OVER (
    ORDER BY c GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE NO OTHERS
  ) AS no_others,
  group_concat(b, '.') OVER (
    ORDER BY c GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW
  ) AS current_row,
  group_concat(b, '.') OVER (
    ORDER BY c GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP
  ) AS grp,
  group_concat(b, '.') OVER (
    ORDER BY c GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES
  ) AS ties
FROM t1 ORDER BY c, a
-- ;;
SELECT c, a, b, group_concat(b, '.') FILTER (WHERE c!='two') OVER (
  ORDER BY a
) AS group_concat
FROM t1 ORDER BY a
-- ;;
INSERT INTO t2 VALUES('a', 'one'), 
                     ('a', 'two'), 
                     ('a', 'three'), 
                     ('b', 'four'), 
                     ('c', 'five'), 
                     ('c', 'six')
-- ;;
SELECT a                        AS a,
       row_number() OVER win    AS row_number,
       rank() OVER win          AS rank,
       dense_rank() OVER win    AS dense_rank,
       percent_rank() OVER win  AS percent_rank,
       cume_dist() OVER win     AS cume_dist
FROM t2
WINDOW win AS (ORDER BY a)
-- ;;
SELECT a                        AS a,
       b                        AS b,
       ntile(2) OVER win        AS ntile_2,
       ntile(4) OVER win        AS ntile_4
FROM t2
WINDOW win AS (ORDER BY a)
-- ;;
SELECT b                          AS b,
       lead(b, 2, 'n/a') OVER win AS lead,
       lag(b) OVER win            AS lag,
       first_value(b) OVER win    AS first_value,
       last_value(b) OVER win     AS last_value,
       nth_value(b, 3) OVER win   AS nth_value_3
FROM t1
WINDOW win AS (ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
-- ;;
SELECT group_concat(b, '.') OVER (
  win ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
)
FROM t1
WINDOW win AS (PARTITION BY a ORDER BY c)
-- ;;
INSERT INTO t3 VALUES('a', 4),
                     ('b', 5),
                     ('c', 3),
                     ('d', 8),
                     ('e', 1)
-- ;;
SELECT x, sumint(y) OVER (
  ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING
) AS sum_y
FROM t3 ORDER BY x
-- ;;
CREATE TABLE IF NOT EXISTS wordcount(
  word TEXT PRIMARY KEY,
  cnt INTEGER
) WITHOUT ROWID
-- ;;
CREATE TABLE IF NOT EXISTS wordcount(
  word TEXT PRIMARY KEY,
  cnt INTEGER
)
-- ;;
SELECT * FROM zipfile( readfile('test.zip') )
-- ;;
CREATE VIRTUAL TABLE temp.zip USING zipfile('test.zip')
-- ;;
INSERT INTO temp.zip(name, data) VALUES('dir1', NULL)
-- ;;
INSERT INTO temp.zip(name, data) VALUES('m.txt', 'abcdefghi')
-- ;;
INSERT INTO temp.zip(name, mode, data) VALUES('link.txt', 'lrwxrw-rw-', 'abcdefghi')
-- ;;
DELETE FROM temp.zip WHERE name = 'm.txt'
-- ;;
INSERT INTO temp.newzip(name, mode, mtime, data, method)
    SELECT name, mode, mtime, data, method FROM temp.zzz
-- ;;
WITH contents(name, data) AS (
  VALUES('a.txt', 'abc') UNION ALL
  VALUES('b.txt', '123')
)
SELECT zipfile(name, data) FROM contents
-- ;;
