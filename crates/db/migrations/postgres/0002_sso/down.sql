DROP TABLE sso_tokens;
DROP TABLE sso_codes;
DROP TABLE sso_clients;
DROP TABLE sso_keys;
DROP TABLE sso_settings;
