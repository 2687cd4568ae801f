/** Prints the Pothos schema as SDL to packages/schema/schema.graphql (or stdout with --stdout). */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildSchema } from '@devicevault/schema';
import { lexicographicSortSchema, printSchema } from 'graphql';

const sdl = `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
if (process.argv.includes('--stdout')) {
  process.stdout.write(sdl);
} else {
  await writeFile(fileURLToPath(new URL('../../../../packages/schema/schema.graphql', import.meta.url)), sdl);
}
