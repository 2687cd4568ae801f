'use client';

import { useRouter } from 'next/navigation';

/**
 * Previous / Next under a list whose page is in the URL (`after`): Next pushes the next page's URL, Previous is
 * the browser's Back, so Back and Previous agree and a shared link opens the same page.
 */
export function Pager({
  label,
  isFirstPage,
  nextHref,
  status,
}: {
  /** The landmark's name, e.g. "Device pages". */
  label: string;
  isFirstPage: boolean;
  /** The next page's URL, or null on the last page. */
  nextHref: string | null;
  status: string;
}) {
  const router = useRouter();
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button button-quiet" disabled={isFirstPage} onClick={() => router.back()}>
        ← Previous
      </button>
      <span className="muted">{status}</span>
      <button
        type="button"
        className="button button-quiet"
        disabled={nextHref === null}
        onClick={() => {
          if (nextHref) router.push(nextHref);
        }}
      >
        Next →
      </button>
    </nav>
  );
}
