/** The EventKind values an alert rule can subscribe to, in the order the forms list them. */
export const EVENT_KINDS = [
  'BACKUP_FAILED',
  'BACKUP_CHANGED',
  'DEVICE_RECOVERED',
  'DEVICE_STALE',
  'HOST_KEY_CHANGED',
  'SUSPECT_OUTPUT',
  'DELIVERY_FAILING',
] as const;
