ALTER TABLE domains_zone DROP COLUMN notified_serial;
DROP TABLE domains_tsig_keys;
