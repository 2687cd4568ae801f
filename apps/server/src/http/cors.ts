/**
 * CORS for the dashboard's origin(s) only (DEVICEVAULT_WEB_ORIGIN, comma-separated): any other Origin gets
 * no Access-Control-* headers at all, so browsers refuse to hand it the response.
 */
import type { CORSOptions } from 'graphql-yoga';

export function corsFor(webOrigin: string): (request: Request) => CORSOptions {
  const allowed = new Set(
    webOrigin
      .split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  );
  return (request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      credentials: true,
      maxAge: 600,
    };
  };
}
