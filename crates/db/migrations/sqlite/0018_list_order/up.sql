-- The registry's lists at national scale (50,000 applications, 500,000 devices): each list
-- walks an index in the order it shows, filtered as it asks, and stops at its page; a name
-- search is checked on the index entry itself. Counting stops 1,000 past the page.
CREATE INDEX applications_order ON applications (name, id);
CREATE INDEX applications_lifecycle_order ON applications (lifecycle, name, id);
CREATE INDEX applications_status_order ON applications (status, name, id);
CREATE INDEX devices_order ON devices (name, id);
