-- Requests for a subdomain (or for permission to use a separate domain): the agency asks, the
-- body the regulation names decides, with the decision's number and date.
CREATE TABLE domains_requests (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decision_number TEXT,
    decision_date DATE,
    reason TEXT,
    submitted_at TIMESTAMP NOT NULL,
    submitted_by TEXT NOT NULL,
    decided_at TIMESTAMP,
    decided_recorded_by TEXT
);
CREATE INDEX domains_requests_agency ON domains_requests (agency_id, submitted_at);
CREATE INDEX domains_requests_name ON domains_requests (name);
-- Numbers people read (SD-2026-0001), one counter row per series, raised under its row lock
-- so that instances never hand out the same number.
CREATE TABLE domains_counters (
    series TEXT PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL
);
INSERT INTO domains_counters (series, year, last) VALUES ('request', 0, 0);
