-- Requests to host an agency's application in the Dinas's data center (KT 9.3), and the
-- Dinas's decision: approved onto a server, or rejected with a reason.
CREATE TABLE hosting_requests (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    application_id TEXT NOT NULL REFERENCES applications (id),
    cpu_cores INTEGER NOT NULL,
    memory_gb INTEGER NOT NULL,
    storage_gb INTEGER NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    server_id TEXT REFERENCES servers (id),
    decision_note TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT
);
CREATE INDEX hosting_requests_agency ON hosting_requests (agency_id, created_at);
CREATE INDEX hosting_requests_status ON hosting_requests (status, created_at);
