DROP INDEX applications_sso_client;
