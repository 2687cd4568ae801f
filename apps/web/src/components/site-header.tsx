'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect } from 'react';
import { gql, useQuery } from 'urql';
import { AccountMenu } from './account-menu';
import { DeviceCount } from './device-count';

const SiteHeader_ViewerQuery = gql<{ viewer: { id: string; username: string; role: string } | null }>`
  query SiteHeader_ViewerQuery {
    viewer { id username role }
  }
`;

/** Brand, navigation and, once signed in, the device count and the account menu. */
export function SiteHeader() {
  const pathname = usePathname();
  // `viewer` is open to anonymous callers, so this never bounces the sign-in page.
  const [{ data }] = useQuery({ query: SiteHeader_ViewerQuery });
  const viewer = data?.viewer ?? null;
  const signedOut = data !== undefined && data.viewer === null;

  // Pages that load nothing until asked (search, compare) would otherwise sit there signed out.
  useEffect(() => {
    if (!signedOut || pathname === '/login') return;
    const next = `${window.location.pathname}${window.location.search}`;
    window.location.assign(`/login?next=${encodeURIComponent(next)}`);
  }, [signedOut, pathname]);

  return (
    <header className="site-header">
      <Link href="/" className="brand">
        DeviceVault
      </Link>
      <nav>
        <Link href="/" aria-current={pathname === '/' ? 'page' : undefined}>
          Devices
        </Link>
        {viewer ? <DeviceCount /> : null}
        <Link href="/search" aria-current={pathname === '/search' ? 'page' : undefined}>
          Search
        </Link>
      </nav>
      {viewer ? <AccountMenu viewer={viewer} /> : null}
    </header>
  );
}
