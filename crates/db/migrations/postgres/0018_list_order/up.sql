-- The registry's lists at national scale (50,000 applications, 500,000 devices): each list
-- walks an index in the order it shows, filtered as it asks, and stops at its page; a name
-- search is checked on the index entry itself. Counting stops 1,000 past the page.
CREATE INDEX applications_order ON applications (name, id);
CREATE INDEX applications_lifecycle_order ON applications (lifecycle, name, id);
CREATE INDEX applications_status_order ON applications (status, name, id);
CREATE INDEX devices_order ON devices (name, id);

-- A narrow name search ("simpeg" among 50,000) finds its few rows through a trigram index
-- instead of reading them all: `lower(name) LIKE '%…%'` uses it as it is. pg_trgm ships with
-- PostgreSQL (Debian: in the server package; elsewhere "contrib") and is trusted since
-- PostgreSQL 13, so the database's owner may create it. Where it cannot be created, nothing
-- fails: searches read the table (43 ms for 50,000 applications instead of 3.5 ms); the
-- administrator's guide ("Pencarian nama di PostgreSQL") gives the statements to add them later.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm unavailable (%): name searches read the table', SQLERRM;
END $$;
DO $$
DECLARE
  home text;
BEGIN
  SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'pg_trgm';
  IF home IS NOT NULL THEN
    EXECUTE format('CREATE INDEX applications_name_search ON applications USING gin (lower(name) %I.gin_trgm_ops)', home);
    EXECUTE format('CREATE INDEX devices_name_search ON devices USING gin (lower(name) %I.gin_trgm_ops, lower(serial) %I.gin_trgm_ops)', home, home);
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'trigram indexes not created (%): name searches read the table', SQLERRM;
END $$;
