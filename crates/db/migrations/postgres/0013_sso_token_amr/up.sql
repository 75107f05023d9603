-- How the person signed in, kept with every token of the sign-in, so that an ID token issued
-- on refresh says the same amr as the first (OIDC Core 12.2).
ALTER TABLE sso_tokens ADD COLUMN amr TEXT;
