-- Satu Data (R-DATA): the region's datasets, each produced by one agency (Produsen Data) under a
-- Wali Data appointed by decision (KT 17.4, MU 11.4, EN 10.5), kept current at its declared
-- frequency (KT 18.2, MU 12.1, EN 11.1, BT 23.2). slug is the dataset's name in the CKAN API.
CREATE TABLE data_datasets (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    topic TEXT NOT NULL,
    classification TEXT NOT NULL,
    exclusion_reason TEXT NOT NULL,
    frequency TEXT NOT NULL,
    next_due DATE,
    period TEXT NOT NULL,
    coverage TEXT NOT NULL,
    unit TEXT NOT NULL,
    licence TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    tags TEXT NOT NULL,
    activity_name TEXT NOT NULL,
    activity_method TEXT NOT NULL,
    wali_person_id TEXT REFERENCES people (id),
    wali_decree_number TEXT NOT NULL,
    wali_decree_date DATE,
    current_version TEXT,
    overdue_told DATE,
    updated_data_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX data_datasets_agency ON data_datasets (agency_id, title);
CREATE INDEX data_datasets_due ON data_datasets (next_due);
-- The dataset's variables (BPS MS-Var: name, concept, definition, classification, type,
-- validation rule, alias, accessibility), in column order: the schema every upload is checked
-- against. Personal columns (NIK, NIP, names, addresses) are masked for all but the owner.
CREATE TABLE data_columns (
    dataset_id TEXT NOT NULL REFERENCES data_datasets (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    is_unique BOOLEAN NOT NULL,
    min_value DOUBLE PRECISION,
    max_value DOUBLE PRECISION,
    personal BOOLEAN NOT NULL,
    concept TEXT NOT NULL,
    definition TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (dataset_id, position)
);
-- Indicators computed from the dataset (BPS MS-Ind).
CREATE TABLE data_indicators (
    id TEXT PRIMARY KEY NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES data_datasets (id),
    name TEXT NOT NULL,
    concept TEXT NOT NULL,
    definition TEXT NOT NULL,
    formula TEXT NOT NULL,
    unit TEXT NOT NULL,
    interpretation TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX data_indicators_dataset ON data_indicators (dataset_id);
-- Each upload of a dataset: its rows live in their own typed table (table_name, created by
-- the ingest and dropped when it fails), its schema as it was (schema_json), what changed
-- from the version before, and the report of bad rows when it was refused.
CREATE TABLE data_versions (
    id TEXT PRIMARY KEY NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES data_datasets (id),
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    table_name TEXT NOT NULL,
    schema_json TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    added BIGINT NOT NULL,
    removed BIGINT NOT NULL,
    changed BIGINT NOT NULL,
    report TEXT NOT NULL,
    job_id TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    finished_at TIMESTAMP,
    UNIQUE (dataset_id, number)
);
