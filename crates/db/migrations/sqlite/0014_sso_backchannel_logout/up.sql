-- Back-channel logout (OpenID Connect Back-Channel Logout 1.0): where a client is told that a
-- person's session ended, and the browser session each code and token was issued from, so
-- that ending a session reaches every application it signed in to.
ALTER TABLE sso_clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE sso_codes ADD COLUMN session_id TEXT;
ALTER TABLE sso_tokens ADD COLUMN session_id TEXT;
CREATE INDEX sso_tokens_session ON sso_tokens (session_id);
