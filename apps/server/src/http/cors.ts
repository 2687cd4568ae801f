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

/**
 * The session cookie is honoured only from the dashboard's origin(s), the server's own origin (GraphiQL) and
 * non-browser clients (no Origin header). Browsers attach cookies to cross-origin requests from the same site
 * (another port or subdomain) and to WebSocket handshakes, where CORS does not apply; without this a page
 * there could run mutations or subscribe as the signed-in user. Bearer tokens are never sent implicitly.
 */
export function cookieFromTrustedOrigin(webOrigin: string) {
  const allowed = new Set(webOrigin.split(',').map((origin) => origin.trim().replace(/\/+$/, '')));
  return (headers: {
    cookie: string | null | undefined;
    origin: string | null | undefined;
    host: string | null | undefined;
  }) => {
    const { cookie, origin, host } = headers;
    if (!cookie || !origin) return cookie ?? null;
    if (allowed.has(origin)) return cookie;
    const sameOrigin = host !== null && host !== undefined && [`http://${host}`, `https://${host}`].includes(origin);
    return sameOrigin ? cookie : null;
  };
}
