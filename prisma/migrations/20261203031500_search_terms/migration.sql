-- PostgreSQL's migration of this name adds search_index_terms, the search index's words, kept by
-- triggers. SQLite needs no table for them: FTS5 lists its own words (the fts5vocab table
-- temp."search_terms", made on each read connection, lib/db/sqlite.ts). Nothing changes here.
SELECT 1;
