ALTER TABLE region DROP COLUMN time_zone;
