const LABELS: Record<string, string> = {
  FRESH: 'fresh',
  STALE: 'stale',
  FAILING: 'failing',
  NEVER: 'never backed up',
  DISABLED: 'disabled',
};

/** A device's backup state (fresh / stale / failing / never / disabled) as a word in a coloured badge. */
export function BackupStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge-state-${state.toLowerCase()}`} data-state={state}>
      {LABELS[state] ?? state.toLowerCase()}
    </span>
  );
}
