// The only file in apps/web that reads process.env. It runs on the server at request time (the root
// layout is dynamic), so one build works against any GraphQL server.
export type RuntimeConfig = {
  /** Absolute http(s) URL of the GraphQL endpoint, or null to let the browser derive it from its location. */
  graphqlUrl: string | null;
};

export function readRuntimeConfig(): RuntimeConfig {
  const raw = process.env.DEVICEVAULT_GRAPHQL_URL?.trim();
  if (!raw) return { graphqlUrl: null };

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`DEVICEVAULT_GRAPHQL_URL is not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DEVICEVAULT_GRAPHQL_URL must be an http(s) URL, got ${raw}`);
  }
  return { graphqlUrl: url.toString() };
}
