ALTER TABLE sso_tokens DROP COLUMN amr;
