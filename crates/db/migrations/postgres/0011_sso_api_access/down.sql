ALTER TABLE sso_clients DROP COLUMN api_access;
