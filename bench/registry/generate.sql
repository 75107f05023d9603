-- A national-scale registry for the benchmark: 500 regions' worth of agencies (40 each),
-- 50,000 applications, 500,000 devices, 10,000 servers and 5,000 vendors, with a realistic
-- share of violations. `PAD(x)` and `DATE(x)` are replaced by the backend's
-- zero-padding and date-literal expressions.
-- Ids are UUIDs, as the typed ids read them (text ids made every read of these records fail).
INSERT INTO agencies (id, name, code, kind, is_dinas, egov_unit, created_at, created_by, updated_at, updated_by)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
SELECT '00000000-0000-7000-8000-' || PAD(i), 'Perangkat Daerah ' || i, 'PD' || i, 'dinas', FALSE, NULL,
       '2026-01-01 00:00:00', NULL, '2026-01-01 00:00:00', NULL FROM n;

INSERT INTO applications (id, agency_id, name, kind, purpose, users, funding_source, funding_amount,
    open_source, licence, source_repo, code_owned_by_region, licence_owned_by_region, web_based,
    production_url, sso_client_id, interfaces, security_level, hosting, lifecycle,
    master_plan_item_id, status, review_note, created_at, created_by, updated_at, updated_by)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
SELECT '00000000-0000-7000-8001-' || PAD(i), '00000000-0000-7000-8000-' || PAD(i % 20000 + 1), 'Aplikasi Layanan ' || i,
       CASE WHEN i % 3 = 0 THEN 'umum' ELSE 'khusus' END, 'Layanan publik', 'ASN dan masyarakat', 'apbd', 150000000,
       i % 4 <> 0, CASE WHEN i % 4 <> 0 THEN 'GPL-3.0' ELSE NULL END, NULL, i % 5 <> 0, i % 5 <> 0, TRUE,
       CASE WHEN i % 10 = 0 THEN 'https://app' || i || '.vendor.co.id' ELSE 'https://app' || i || '.sukamajukab.go.id' END,
       NULL, '', 'rendah', CASE WHEN i % 8 = 0 THEN 'outside' ELSE 'dinas_dc' END,
       CASE i % 4 WHEN 0 THEN 'planned' WHEN 1 THEN 'development' ELSE 'production' END,
       NULL, CASE WHEN i % 3 = 0 THEN 'submitted' ELSE 'approved' END, NULL,
       '2026-01-01 00:00:00', 'bench', '2026-01-01 00:00:00', 'bench' FROM n;

INSERT INTO devices (id, agency_id, kind, name, serial, acquired_on, funding_source, location,
    maintenance_months, last_maintained_on, retired, created_at, created_by, updated_at, updated_by)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000)
SELECT '00000000-0000-7000-8002-' || PAD(i), '00000000-0000-7000-8000-' || PAD(i % 20000 + 1),
       CASE i % 3 WHEN 0 THEN 'hardware' WHEN 1 THEN 'end_user' ELSE 'network' END,
       'Perangkat ' || i, 'SN' || i, '2023-01-01', 'apbd', 'Gedung utama',
       CASE WHEN i % 3 = 0 THEN NULL ELSE 12 END,
       CASE WHEN i % 2 = 0 THEN DATE('2025-06-01') ELSE DATE('2026-06-01') END, i % 50 = 0,
       '2026-01-01 00:00:00', 'bench', '2026-01-01 00:00:00', 'bench' FROM n;

INSERT INTO servers (id, agency_id, name, kind, site, rack_or_cluster, cpu_cores, memory_gb, storage_gb,
    retired, created_at, created_by, updated_at, updated_by)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
SELECT '00000000-0000-7000-8003-' || PAD(i), '00000000-0000-7000-8000-' || PAD(i % 20000 + 1), 'srv-' || i,
       CASE WHEN i % 2 = 0 THEN 'virtual' ELSE 'physical' END,
       CASE WHEN i % 10 = 0 THEN 'agency' ELSE 'dinas_dc' END, 'Rak ' || (i % 40), 8, 32, 500, FALSE,
       '2026-01-01 00:00:00', 'bench', '2026-01-01 00:00:00', 'bench' FROM n;

INSERT INTO application_servers (application_id, server_id)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
SELECT '00000000-0000-7000-8001-' || PAD(i * 5), '00000000-0000-7000-8003-' || PAD(i) FROM n;

INSERT INTO vendors (id, agency_id, name, contract_number, contract_start, contract_end, application_id,
    confidentiality_signed, training_given, warranty_until, created_at, created_by, updated_at, updated_by)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
SELECT '00000000-0000-7000-8004-' || PAD(i), '00000000-0000-7000-8000-' || PAD(i * 10 % 20000 + 1), 'PT Vendor ' || i, 'K/' || i,
       '2025-01-01', '2025-12-31', '00000000-0000-7000-8001-' || PAD(i * 10), i % 3 <> 0, i % 4 <> 0,
       CASE WHEN i % 5 = 0 THEN DATE('2025-12-31') ELSE DATE('2027-12-31') END,
       '2026-01-01 00:00:00', 'bench', '2026-01-01 00:00:00', 'bench' FROM n;
