-- Custom SQL migration file, put your code below! --
-- Dashboards show devices created, changed or removed by anyone, from any process (issue 15 item 2): every
-- statement that writes devices tells every server at commit, on the channel the pubsub listens to. One
-- notification per statement (an import of 10,000 devices is one); ids only for small statements and groups
-- only while few, since a NOTIFY payload must stay under 8000 bytes.
CREATE OR REPLACE FUNCTION devicevault_devices_changed() RETURNS trigger AS $$
DECLARE
  changed record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT count(*)::int AS n, jsonb_agg(DISTINCT id) AS ids, jsonb_agg(DISTINCT device_group_id) AS groups,
      count(DISTINCT device_group_id)::int AS group_count
      INTO changed FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT count(*)::int AS n, jsonb_agg(DISTINCT id) AS ids, jsonb_agg(DISTINCT device_group_id) AS groups,
      count(DISTINCT device_group_id)::int AS group_count
      INTO changed FROM old_rows;
  ELSE
    SELECT count(DISTINCT id)::int AS n, jsonb_agg(DISTINCT id) AS ids, jsonb_agg(DISTINCT device_group_id) AS groups,
      count(DISTINCT device_group_id)::int AS group_count
      INTO changed FROM (SELECT id, device_group_id FROM new_rows UNION ALL SELECT id, device_group_id FROM old_rows) r;
  END IF;
  IF changed.n = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('devicevault_events', jsonb_build_object(
    'topic', 'devicesChanged',
    'payload', jsonb_build_object(
      'change', TG_OP,
      'count', changed.n,
      'deviceIds', CASE WHEN changed.n <= 50 THEN changed.ids END,
      'deviceGroupIds', CASE WHEN changed.group_count <= 100 THEN changed.groups END,
      'at', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))::text);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER devices_inserted AFTER INSERT ON devices REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION devicevault_devices_changed();
--> statement-breakpoint
CREATE TRIGGER devices_updated AFTER UPDATE ON devices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION devicevault_devices_changed();
--> statement-breakpoint
CREATE TRIGGER devices_deleted AFTER DELETE ON devices REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION devicevault_devices_changed();
