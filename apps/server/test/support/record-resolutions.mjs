// Loaded with `--import` after tsx: records the URL of every module the process resolves, one per line, in
// the file named by the DEVICEVAULT_RESOLVE_LOG variable, so a test can assert what a command loads.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
let logFile;
export function initialize(data) { logFile = data.logFile; }
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(logFile, result.url + '\\n');
  return result;
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
  data: { logFile: process.env.DEVICEVAULT_RESOLVE_LOG },
});
