DROP INDEX sso_tokens_session;
ALTER TABLE sso_tokens DROP COLUMN session_id;
ALTER TABLE sso_codes DROP COLUMN session_id;
ALTER TABLE sso_clients DROP COLUMN backchannel_logout_uri;
