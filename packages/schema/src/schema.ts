/** Loads every domain, then builds the executable schema. */
import { auditMutations } from './audit-mutations.js';
import { builder } from './builder.js';
import './errors.js';
import './domains/backup-methods.js';
import './domains/credentials.js';
import './domains/devices.js';
import './domains/backups.js';
import './domains/jobs.js';
import './domains/retention.js';
import './domains/storage-locations.js';
import './domains/diff.js';
import './domains/search.js';
import './domains/auth.js';

export function buildSchema() {
  return auditMutations(builder.toSchema({ sortSchema: true }));
}
