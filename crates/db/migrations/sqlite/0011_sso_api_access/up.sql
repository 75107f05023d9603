-- Provider access tokens reach Simpul's own API only for clients the Dinas registered for it
-- (scope `simpul.api`); every other client's tokens are for signing in and userinfo only.
ALTER TABLE sso_clients ADD COLUMN api_access BOOLEAN NOT NULL DEFAULT FALSE;
