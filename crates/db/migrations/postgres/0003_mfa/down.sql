DROP TABLE sso_consents;
ALTER TABLE sso_codes DROP COLUMN amr;
ALTER TABLE sso_clients DROP COLUMN external;
ALTER TABLE sso_clients DROP COLUMN security_level;
ALTER TABLE sessions DROP COLUMN mfa;
DROP TABLE sign_in_challenges;
DROP TABLE mfa_recovery_codes;
DROP TABLE mfa_totp;
