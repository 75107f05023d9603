DROP TABLE domains_delegation_checks;
ALTER TABLE domains_zone DROP COLUMN probed_at;
DROP TABLE domains_dnssec_keys;
ALTER TABLE domains_zone DROP COLUMN signed_week;
ALTER TABLE domains_zone DROP COLUMN dnssec;
