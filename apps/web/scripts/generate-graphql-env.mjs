// Writes src/graphql-env.d.ts, the schema as gql.tada reads it, from packages/schema/schema.graphql; every
// document's result and variable types are inferred from it by TypeScript. `--check` fails when the file
// on disk is stale instead of writing it (CI runs that through check-operations.mjs).
// Usage: node scripts/generate-graphql-env.mjs [--check] [path/to/schema.graphql]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyIntrospection, outputIntrospectionFile } from '@gql.tada/internal';
import { buildSchema, introspectionFromSchema } from 'graphql';

export const webDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const outputPath = path.join(webDir, 'src/graphql-env.d.ts');

/** The text src/graphql-env.d.ts must hold for this schema. */
export function renderGraphqlEnv(schemaSource) {
  const introspection = introspectionFromSchema(buildSchema(schemaSource), { descriptions: false });
  return outputIntrospectionFile(minifyIntrospection(introspection), { fileType: '.d.ts', shouldPreprocess: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const schemaPath = args.find((arg) => arg !== '--check') ?? path.join(webDir, '../../packages/schema/schema.graphql');
  const expected = renderGraphqlEnv(readFileSync(schemaPath, 'utf8'));
  let current = '';
  try {
    current = readFileSync(outputPath, 'utf8');
  } catch {}
  if (check) {
    if (current !== expected) {
      console.error(`✗ ${path.relative(process.cwd(), outputPath)} is stale: run \`npm run generate -w apps/web\``);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), outputPath)} matches the schema`);
  } else if (current !== expected) {
    writeFileSync(outputPath, expected);
    console.log(`wrote ${path.relative(process.cwd(), outputPath)}`);
  }
}
