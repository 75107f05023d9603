-- Registry: the master plan and its items, applications with their registration workflow,
-- their history and their technical documents (files in the blob store).
CREATE TABLE master_plans (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    adopted_on DATE NOT NULL,
    last_reviewed_on DATE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE master_plan_items (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES master_plans (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    purpose TEXT NOT NULL,
    users TEXT NOT NULL,
    funding_source TEXT NOT NULL,
    funding_amount BIGINT,
    open_source BOOLEAN NOT NULL,
    licence TEXT,
    source_repo TEXT,
    code_owned_by_region BOOLEAN NOT NULL,
    licence_owned_by_region BOOLEAN NOT NULL,
    web_based BOOLEAN NOT NULL,
    production_url TEXT,
    sso_client_id TEXT,
    interfaces TEXT NOT NULL,
    security_level TEXT NOT NULL,
    hosting TEXT NOT NULL,
    lifecycle TEXT NOT NULL,
    master_plan_item_id TEXT REFERENCES master_plan_items (id),
    status TEXT NOT NULL,
    review_note TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX applications_agency ON applications (agency_id, name);
CREATE INDEX applications_status ON applications (status);

CREATE TABLE application_events (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT
);
CREATE INDEX application_events_application ON application_events (application_id, at);

CREATE TABLE application_documents (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL,
    UNIQUE (application_id, kind, version)
);
