-- Region codes the region adds to the Kemendagri list that ships with the binary (a decree
-- lags behind new districts and villages), with the basis for each.
CREATE TABLE data_region_codes (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    basis TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL
);
-- The Walidata (the Dinas) checks a public dataset's version before the portal shows it
-- (Perpres 39/2019): pending, published or returned with a note.
ALTER TABLE data_versions ADD COLUMN review TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE data_versions ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE data_versions ADD COLUMN reviewed_at TIMESTAMP;
ALTER TABLE data_versions ADD COLUMN reviewed_by TEXT;
-- The version the portal shows, and when that last changed (harvesters ask what changed).
ALTER TABLE data_datasets ADD COLUMN published_version TEXT REFERENCES data_versions (id);
ALTER TABLE data_datasets ADD COLUMN published_at TIMESTAMP;
-- What the portal showed before this step stays shown.
UPDATE data_versions SET review = 'published' WHERE status = 'ready';
UPDATE data_datasets SET published_version = current_version, published_at = updated_data_at;
-- A dataset the public cannot see is named in its agency's namespace (`dinkes_pasien`), so
-- that a name it holds is never a hint to another agency that it exists.
UPDATE data_datasets
SET slug = (SELECT lower(a.code) FROM agencies a WHERE a.id = data_datasets.agency_id) || '_' || slug
WHERE classification <> 'public'
  AND substr(slug, 1, length((SELECT a.code FROM agencies a WHERE a.id = data_datasets.agency_id)) + 1)
      <> (SELECT lower(a.code) FROM agencies a WHERE a.id = data_datasets.agency_id) || '_';
