/** `devicevault <command>`: serve (default), print-schema; more commands register here. */
const [command = 'serve', ...rest] = process.argv.slice(2);

const commands: Record<string, () => Promise<unknown>> = {
  serve: () => import('../main.js'),
  'print-schema': () => import('./print-schema.js'),
  'import-oxidized': () => import('./import-oxidized.js'),
  collect: () => import('./collect.js'),
  collector: () => import('./collector.js'),
  'create-user': () => import('./create-user.js'),
  plugins: () => import('./plugins.js'),
  record: () => import('./record.js'),
};

const run = commands[command];
if (!run) {
  console.error(`devicevault: unknown command "${command}". Commands: ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
await run();
