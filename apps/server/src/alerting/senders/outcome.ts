/** What one send attempt came to: delivered or not, the receiver's status code or the error, how long it took. */
export interface SendOutcome {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** POSTs a body and turns the answer into an outcome (2xx delivered); never throws. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<SendOutcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'DeviceVault-Notifications/1', ...headers },
      body,
      signal: stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.arrayBuffer().catch(() => undefined);
    const delivered = response.status >= 200 && response.status < 300;
    return {
      delivered,
      statusCode: response.status,
      error: delivered ? null : `HTTP ${response.status}`,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : String((error as Error).cause ?? error);
    return {
      delivered: false,
      statusCode: null,
      error: reason.slice(0, 500),
      durationMs: Math.round(performance.now() - started),
    };
  }
}
