-- search_index_terms: every word in the search index, so that a prefix typed ("print") can be
-- asked for as the words it stands for ('print' | 'printer' | 'printers', lib/tickets/search-match.ts).
-- GIN answers 'print':* by decoding every such word's whole list of documents, however few
-- documents the rest of the query leaves, and a prefix that is in no document still costs its
-- neighbours' lists (190 ms for a 200-character search at 1,000,000 tickets).
--
-- Kept by statement triggers on search_index, a set at a time (a copy or a seed of a million
-- documents adds its words in one statement). Words are only added: one that no document holds
-- any more stands for nothing, and costs a lookup that finds no document. No unique key: two
-- writers adding the same new word at once each add a row, where a key would make the second wait
-- for the first, and deadlock when two transactions add two new words in opposite orders; the
-- lookup reads distinct words.
CREATE TABLE "search_index_terms" (
  "term" TEXT COLLATE "C" NOT NULL
);
CREATE INDEX "search_index_terms_term_idx" ON "search_index_terms" ("term");

CREATE FUNCTION "search_index_terms_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "search_index_terms" ("term")
  SELECT DISTINCT w.t FROM "added" a, unnest(tsvector_to_array(a."document")) w(t)
  WHERE NOT EXISTS (SELECT 1 FROM "search_index_terms" k WHERE k."term" = w.t)
  ORDER BY 1;
  RETURN NULL;
END $$;

CREATE TRIGGER "search_index_terms_insert" AFTER INSERT ON "search_index"
REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "search_index_terms_add"();
CREATE TRIGGER "search_index_terms_update" AFTER UPDATE ON "search_index"
REFERENCING NEW TABLE AS "added" FOR EACH STATEMENT EXECUTE FUNCTION "search_index_terms_add"();

INSERT INTO "search_index_terms" ("term")
SELECT DISTINCT w.t FROM "search_index" s, unnest(tsvector_to_array(s."document")) w(t) ORDER BY 1;
