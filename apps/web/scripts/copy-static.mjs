// Standalone output does not include the client bundles or public/; without this copy the JS 404s.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const standaloneWebDir = path.join(webDir, '.next/standalone/apps/web');

if (!existsSync(standaloneWebDir)) {
  console.error(`copy-static: ${standaloneWebDir} is missing; run next build with output: 'standalone' first`);
  process.exit(1);
}

cpSync(path.join(webDir, '.next/static'), path.join(standaloneWebDir, '.next/static'), { recursive: true });
if (existsSync(path.join(webDir, 'public'))) {
  cpSync(path.join(webDir, 'public'), path.join(standaloneWebDir, 'public'), { recursive: true });
}
console.log('copy-static: copied .next/static into the standalone output');
