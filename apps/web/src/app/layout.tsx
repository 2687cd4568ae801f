import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '../components/site-header';
import { UrqlProvider } from '../components/urql-provider';
import { readRuntimeConfig } from '../lib/runtime-config';
import './globals.css';

// Rendered per request so DEVICEVAULT_GRAPHQL_URL is read when the server runs, not when it was built.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'DeviceVault',
  description: 'Configuration backups for network devices',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  const { graphqlUrl } = readRuntimeConfig();
  return (
    <html lang="en">
      <body>
        <UrqlProvider graphqlUrl={graphqlUrl}>
          <SiteHeader />
          <main className="page">{children}</main>
        </UrqlProvider>
      </body>
    </html>
  );
}
