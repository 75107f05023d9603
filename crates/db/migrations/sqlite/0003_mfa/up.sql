-- Second factor (TOTP and recovery codes), pending two-step sign-ins, per-client assurance
-- and consent.
CREATE TABLE mfa_totp (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    secret TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE mfa_recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id);

CREATE TABLE sign_in_challenges (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    user_agent TEXT,
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

ALTER TABLE sessions ADD COLUMN mfa BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE sso_clients ADD COLUMN security_level TEXT NOT NULL DEFAULT 'rendah';
ALTER TABLE sso_clients ADD COLUMN external BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE sso_codes ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';

CREATE TABLE sso_consents (
    user_id TEXT NOT NULL REFERENCES users (id),
    client_id TEXT NOT NULL REFERENCES sso_clients (id),
    scope TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_id)
);
