-- The region's DNS zone (one row): its name servers, the SOA's contact and timers, and the
-- serial every change to the zone raises. The apex is the region profile's domain.
CREATE TABLE domains_zone (
    id INTEGER PRIMARY KEY NOT NULL,
    name_servers TEXT NOT NULL,
    hostmaster TEXT NOT NULL,
    serial BIGINT NOT NULL,
    refresh INTEGER NOT NULL,
    retry INTEGER NOT NULL,
    expire INTEGER NOT NULL,
    minimum INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
-- The zone's records: each owned by an agency and resting on a decision or a request.
CREATE TABLE domains_records (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    name TEXT NOT NULL,
    rtype TEXT NOT NULL,
    value TEXT NOT NULL,
    ttl INTEGER NOT NULL,
    basis TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX domains_records_name ON domains_records (name, rtype);
CREATE INDEX domains_records_agency ON domains_records (agency_id, name);
