/** Loads every domain, then builds the executable schema. */
import { auditMutations } from './audit-mutations.js';
import { builder } from './builder.js';
import './errors.js';
import './domains/backup-methods.js';
import './domains/credentials.js';
import './domains/devices.js';
import './domains/backups.js';
import './domains/jobs.js';
import './domains/job-mutations.js';
import './domains/job-list.js';
import './domains/retention.js';
import './domains/storage-locations.js';
import './domains/diff.js';
import './domains/search.js';
import './domains/auth.js';
import './domains/device-groups.js';
import './domains/collection-groups.js';
import './domains/credential-management.js';
import './domains/device-mutations.js';
import './domains/device-lifecycle.js';
import './domains/device-changes.js';
import './domains/device-bulk-mutations.js';
import './domains/fleet-status.js';
import './domains/activity.js';
import './domains/schedules.js';
import './domains/device-import.js';
import './domains/users.js';
import './domains/api-tokens.js';
import './domains/audit-log.js';
import './domains/events.js';
import './domains/alerts.js';
import './domains/notification-channels.js';
import './domains/notification-deliveries.js';
import './domains/scrub-rules.js';
import './domains/backup-filters.js';
import './domains/exports.js';
import './domains/inventory-sources.js';
import './domains/storage-mirrors.js';
import './domains/storage-location-edits.js';
import './domains/network-policy.js';
import './domains/backup-originals.js';
import './domains/zones.js';

export function buildSchema() {
  return auditMutations(builder.toSchema({ sortSchema: true }));
}
