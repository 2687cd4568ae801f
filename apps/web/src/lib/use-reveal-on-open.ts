'use client';

import { useEffect, useRef } from 'react';

/**
 * For an editor opened from a table row: when it mounts, scroll it into view and focus its first field, so
 * the form opens where the user is looking and a keyboard user lands in it.
 */
export function useRevealOnOpen<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.scrollIntoView({ block: 'nearest' });
    element.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea')?.focus({ preventScroll: true });
  }, []);
  return ref;
}
