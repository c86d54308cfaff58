-- Message search (issue 14). Each message's words, folded as the lowdb store and the highlights
-- fold them (`search-terms.ts`): diacritics dropped by the `unaccent` extension where it can be
-- installed (a trusted extension since PostgreSQL 13: any role that may create in the database
-- can), punctuation split on, lower-cased by the `simple` configuration (no stemming, no stop
-- words: every word of any language is found as typed). Without `unaccent` the column still
-- works, case-insensitively, but "cafe" no longer finds "Café".
DO $$
DECLARE
  home text;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'unaccent unavailable (%): search folds case only', SQLERRM;
  END;
  SELECT n.nspname INTO home
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent';
  -- IMMUTABLE (unaccent itself is only STABLE: its dictionary could change), so a generated
  -- column may use it; the dictionary is named with its schema so no search_path changes it.
  IF home IS NULL THEN
    CREATE FUNCTION chatwire_search_text(input text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $f$ SELECT regexp_replace(input, '[[:punct:]]+', ' ', 'g') $f$;
  ELSE
    EXECUTE format(
      'CREATE FUNCTION chatwire_search_text(input text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
      format(
        'SELECT regexp_replace(%I.unaccent(%L::regdictionary, input), ''[[:punct:]]+'', '' '', ''g'')',
        home,
        quote_ident(home) || '.unaccent'
      )
    );
  END IF;
END
$$;

-- Generated, so every message written before this migration is searchable too (the ALTER fills
-- it in) and no write path has to remember it. A deleted message's content is '' (no words).
ALTER TABLE messages
  ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, chatwire_search_text(content))) STORED;
CREATE INDEX messages_search_vector ON messages USING gin (search_vector);
