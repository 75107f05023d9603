DROP TABLE domains_records;
DROP TABLE domains_zone;
