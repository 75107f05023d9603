-- One agency's compliance evaluation asks which of its single sign-on clients an application
-- points at; without this index that read scanned every application in the registry.
CREATE INDEX applications_sso_client ON applications (sso_client_id);
