/**
 * Security headers on every HTTP response (GraphQL, downloads, health, 404s). They are set on the Node
 * response before any route runs; a route that sends its own value of a header (yoga's GraphiQL page
 * below, downloads' Cache-Control) wins, because Node merges `writeHead` headers over `setHeader` ones.
 */
import type { ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';

/** Nothing served here is a page to render or embed: JSON, plain text and attachments. */
export const apiContentSecurityPolicy =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Yoga's GraphiQL page loads its bundle, styles and editor workers from unpkg and runs one inline script;
 * it only talks to this origin (HTTP and WebSocket). Served only outside production.
 */
export const graphiqlContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-inline' https://unpkg.com",
  "style-src 'self' 'unsafe-inline' https://unpkg.com",
  "font-src 'self' data: https://unpkg.com",
  "img-src 'self' data: https://raw.githubusercontent.com",
  "worker-src 'self' blob: https://unpkg.com",
  "connect-src 'self' ws: wss: https://unpkg.com",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function setSecurityHeaders(response: ServerResponse, options: { https: boolean }): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Content-Security-Policy', apiContentSecurityPolicy);
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
  if (options.https) response.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

/** Gives yoga's HTML responses (GraphiQL, when enabled) a CSP they can run under. */
export function useGraphiqlContentSecurityPolicy(): Plugin {
  return {
    onResponse({ response }) {
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('content-security-policy', graphiqlContentSecurityPolicy);
      }
    },
  };
}
