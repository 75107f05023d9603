-- Inventory beside applications: vendors (third parties), devices, and servers with the
-- applications that run on them.
CREATE TABLE vendors (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    name TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    contract_start DATE NOT NULL,
    contract_end DATE NOT NULL,
    application_id TEXT REFERENCES applications (id),
    confidentiality_signed BOOLEAN NOT NULL,
    training_given BOOLEAN NOT NULL,
    warranty_until DATE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX vendors_agency ON vendors (agency_id, name);

CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    serial TEXT,
    acquired_on DATE,
    funding_source TEXT NOT NULL,
    location TEXT NOT NULL,
    maintenance_months INTEGER,
    last_maintained_on DATE,
    retired BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX devices_agency ON devices (agency_id, name);
-- The maintenance rule counts scheduled devices per agency (from the index alone) and looks for
-- those whose last service is older than their interval.
CREATE INDEX devices_schedule ON devices (agency_id, retired, maintenance_months);
CREATE INDEX devices_maintenance ON devices (maintenance_months, last_maintained_on);

CREATE TABLE servers (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    site TEXT NOT NULL,
    rack_or_cluster TEXT NOT NULL,
    cpu_cores INTEGER NOT NULL,
    memory_gb INTEGER NOT NULL,
    storage_gb INTEGER NOT NULL,
    retired BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX servers_agency ON servers (agency_id, name);

CREATE TABLE application_servers (
    application_id TEXT NOT NULL REFERENCES applications (id),
    server_id TEXT NOT NULL REFERENCES servers (id),
    PRIMARY KEY (application_id, server_id)
);
