-- Keys that sign zone transfers and NOTIFY (TSIG, RFC 8945, HMAC-SHA256): the Dinas makes
-- one per secondary and gives its secret to the secondary's operator.
CREATE TABLE domains_tsig_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
-- The serial the secondaries were last told of: the instance that moves it sends the NOTIFY,
-- so several instances notify once.
ALTER TABLE domains_zone ADD COLUMN notified_serial BIGINT NOT NULL DEFAULT 0;
