'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { AccountMenu } from './account-menu';
import { DeviceCount } from './device-count';
import { usePermissions, useViewer } from './viewer-provider';

const LINKS = [
  { href: '/', label: 'Overview', adminOnly: false },
  { href: '/devices', label: 'Devices', adminOnly: false },
  { href: '/jobs', label: 'Jobs', adminOnly: false },
  { href: '/alerts', label: 'Alerts', adminOnly: false },
  { href: '/search', label: 'Search', adminOnly: false },
  { href: '/admin', label: 'Administration', adminOnly: false },
] as const;

function isCurrent(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

/** Brand, navigation and, once signed in, the device count and the account menu. */
export function SiteHeader() {
  const pathname = usePathname();
  const { viewer } = useViewer();
  const { isAdmin } = usePermissions();

  return (
    <header className="site-header">
      <Link href="/" className="brand">
        DeviceVault
      </Link>
      <nav aria-label="Main">
        {LINKS.filter((link) => !link.adminOnly || isAdmin).map((link) => (
          <Link key={link.href} href={link.href} aria-current={isCurrent(pathname, link.href) ? 'page' : undefined}>
            {link.label}
            {link.href === '/devices' && viewer ? (
              <>
                {' '}
                <DeviceCount />
              </>
            ) : null}
          </Link>
        ))}
      </nav>
      {viewer ? <AccountMenu viewer={viewer} /> : null}
    </header>
  );
}
