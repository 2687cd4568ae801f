import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Announcer } from '../components/announcer';
import { SiteHeader } from '../components/site-header';
import { UrqlProvider } from '../components/urql-provider';
import { ViewerProvider } from '../components/viewer-provider';
import { readRuntimeConfig } from '../lib/runtime-config';
import './globals.css';

// Rendered per request so DEVICEVAULT_GRAPHQL_URL is read when the server runs, not when it was built.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'DeviceVault', template: '%s · DeviceVault' },
  description: 'Configuration backups for network devices',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, colorScheme: 'light dark' };

export default function RootLayout({ children }: { children: ReactNode }) {
  const { graphqlUrl } = readRuntimeConfig();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <UrqlProvider graphqlUrl={graphqlUrl}>
          <ViewerProvider>
            <Announcer>
              <SiteHeader />
              <main className="page" id="main" tabIndex={-1}>
                {children}
              </main>
            </Announcer>
          </ViewerProvider>
        </UrqlProvider>
      </body>
    </html>
  );
}
