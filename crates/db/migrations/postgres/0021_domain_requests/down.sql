DROP TABLE domains_counters;
DROP TABLE domains_requests;
