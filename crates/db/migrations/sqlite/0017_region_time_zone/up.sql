-- The region's time zone: every page shows times in it (WIB, WITA or WIT).
ALTER TABLE region ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'WIB';
