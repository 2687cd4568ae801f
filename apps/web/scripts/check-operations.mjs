// Validates every GraphQL operation written in src/ against the server's printed schema, so a schema
// change that breaks the dashboard fails here instead of in the browser.
// Usage: node scripts/check-operations.mjs [path/to/schema.graphql]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';

const webDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = process.argv[2] ?? path.join(webDir, '../../packages/schema/schema.graphql');
const schema = buildSchema(readFileSync(schemaPath, 'utf8'));

// Each gql`…` template in the sources; `${Fragment}` interpolations are dropped because every fragment
// is also defined as its own template and all documents are validated together.
const templatePattern = /\bgql(?:<[\s\S]*?>)?`([\s\S]*?)`/g;
const documents = [];
for (const file of readdirSync(path.join(webDir, 'src'), { recursive: true, withFileTypes: true })) {
  if (!file.isFile() || !/\.tsx?$/.test(file.name)) continue;
  const filePath = path.join(file.parentPath, file.name);
  for (const match of readFileSync(filePath, 'utf8').matchAll(templatePattern)) {
    documents.push({ file: path.relative(webDir, filePath), body: match[1].replace(/\$\{[^}]*\}/g, '') });
  }
}

const document = parse(documents.map((doc) => doc.body).join('\n'));
const errors = validate(schema, document);
const names = document.definitions.map((definition) => definition.name?.value ?? '(anonymous)');
for (const error of errors) console.error(`✗ ${error.message}`);
console.log(
  `${names.length} definitions checked against ${path.relative(process.cwd(), schemaPath)}: ${names.join(', ')}`,
);
process.exit(errors.length === 0 ? 0 : 1);
