'use client';

import Link from 'next/link';
import { usePermissions, useViewer } from '../viewer-provider';

const SECTIONS = [
  {
    href: '/admin/backup-methods',
    title: 'Backup methods',
    text: 'Every plugin, text or binary, its options.',
    who: 'all',
  },
  { href: '/admin/credentials', title: 'Credentials', text: 'Logins the devices are collected with.', who: 'operator' },
  { href: '/admin/device-groups', title: 'Device groups', text: 'Who may see and operate which devices.', who: 'all' },
  {
    href: '/admin/collection-groups',
    title: 'Collection groups',
    text: 'Schedules, zones and backup windows.',
    who: 'all',
  },
  {
    href: '/admin/retention-storage',
    title: 'Retention and storage',
    text: 'How long versions are kept and where they are stored.',
    who: 'admin',
  },
  {
    href: '/admin/config-rules',
    title: 'Scrub rules and filters',
    text: 'Mask secrets, drop or ignore noisy lines; with a preview.',
    who: 'operator',
  },
  {
    href: '/admin/inventory',
    title: 'Inventory sources',
    text: 'NetBox, HTTP JSON or CSV; dry run and last sync report.',
    who: 'admin',
  },
  {
    href: '/admin/network-policy',
    title: 'Network policy',
    text: 'Which addresses backups may connect to.',
    who: 'admin',
  },
  { href: '/admin/users', title: 'Users and grants', text: 'Roles and the device groups they apply to.', who: 'admin' },
  { href: '/admin/alert-rules', title: 'Alert rules', text: 'Which events notify which channels.', who: 'admin' },
  {
    href: '/admin/channels',
    title: 'Notification channels',
    text: 'Webhook, Slack, Teams; send a test; delivery log.',
    who: 'admin',
  },
  { href: '/admin/tokens', title: 'API tokens', text: 'Tokens for scripts; the secret is shown once.', who: 'all' },
  { href: '/admin/audit', title: 'Audit log', text: 'Every change and sensitive read.', who: 'admin' },
] as const;

/** The administration pages this user may open (the server checks each action again). */
export function AdminIndex() {
  const { viewer } = useViewer();
  const { isAdmin } = usePermissions();
  const visible = SECTIONS.filter(
    (section) => section.who === 'all' || isAdmin || (section.who === 'operator' && viewer?.role === 'operator'),
  );
  return (
    <ul className="admin-index">
      {visible.map((section) => (
        <li key={section.href}>
          <Link href={section.href}>{section.title}</Link>
          <span className="muted small"> — {section.text}</span>
        </li>
      ))}
    </ul>
  );
}
