/** Loads every domain, then builds the executable schema. */
import { builder } from './builder.js';
import './errors.js';
import './domains/backup-methods.js';
import './domains/credentials.js';
import './domains/devices.js';
import './domains/backups.js';
import './domains/jobs.js';

export function buildSchema() {
  return builder.toSchema({ sortSchema: true });
}
