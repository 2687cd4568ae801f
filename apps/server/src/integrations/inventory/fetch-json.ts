/**
 * One GET of an inventory source's JSON, with a deadline: every failure (refused, timeout, 401, 5xx, a body
 * that isn't JSON) becomes an InventorySourceError whose message says what happened, for the sync report.
 */
import { InventorySourceError } from './inventory-records.js';

export async function fetchJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<unknown> {
  const body = await fetchText(url, headers, timeoutMs);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new InventorySourceError(`${redact(url)} answered malformed JSON (${(error as Error).message})`);
  }
}

export async function fetchText(url: string, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${Math.round(timeoutMs / 1000)} s`
        : String((error as { cause?: unknown }).cause ?? error);
    throw new InventorySourceError(`${redact(url)}: ${reason}`);
  }
  const body = await response.text().catch((error: unknown) => {
    throw new InventorySourceError(`${redact(url)}: the answer broke off (${String(error)})`);
  });
  if (response.status === 401 || response.status === 403)
    throw new InventorySourceError(
      `${redact(url)} refused the credentials (HTTP ${response.status}${detail(body)}); check the source's token`,
    );
  if (!response.ok) throw new InventorySourceError(`${redact(url)} answered HTTP ${response.status}${detail(body)}`);
  return body;
}

/** NetBox and most APIs explain refusals in `detail`. */
function detail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    return typeof parsed.detail === 'string' ? `: ${parsed.detail.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/** URLs may carry credentials (user:pass@, ?token=); reports show neither. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const key of [...parsed.searchParams.keys()])
      if (/token|key|secret|pass/i.test(key)) parsed.searchParams.set(key, '…');
    return parsed.toString();
  } catch {
    return 'the source URL';
  }
}
