-- DNSSEC (RFC 4033-4035, ECDSA P-256 as RFC 6605): whether the zone is signed, and the week
-- whose signatures the serial last announced (every week the zone is signed anew and the
-- serial raised, once across instances, so secondaries never serve expired signatures).
ALTER TABLE domains_zone ADD COLUMN dnssec BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE domains_zone ADD COLUMN signed_week BIGINT NOT NULL DEFAULT 0;
-- The zone's signing keys: a key-signing key (KSK, signs the DNSKEY set; its DS goes to the
-- parent) and a zone-signing key (ZSK, signs the rest). A rollover adds an incoming key that
-- publishes and signs beside the active one, which retires when caches have let it go.
CREATE TABLE domains_dnssec_keys (
    id TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL,
    state TEXT NOT NULL,
    private_key TEXT NOT NULL,
    key_tag INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    retired_at TIMESTAMP
);
-- Whether each delegation's name servers answer for it (checked every quarter hour by one
-- instance: the one whose update moves probed_at), for the rule on delegations.
ALTER TABLE domains_zone ADD COLUMN probed_at TIMESTAMP;
CREATE TABLE domains_delegation_checks (
    name TEXT PRIMARY KEY NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    failing TEXT NOT NULL
);
