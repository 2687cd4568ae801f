// Checks the dashboard's GraphQL against the server's printed schema, so a schema change that breaks the
// dashboard fails here (CI: scripts/check-house-rules.mjs) instead of in the browser:
// 1. every graphql(`…`) document in src/ validates against schema.graphql;
// 2. every operation and fragment is named `<Component>_<Name>(Query|Mutation|Subscription|Fragment)`
//    (STYLE.md 13), once, and is held by a constant of the same name;
// 3. src/graphql-env.d.ts, from which TypeScript infers every result and variable type, is not stale.
// Usage: node scripts/check-operations.mjs [path/to/schema.graphql]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { outputPath, renderGraphqlEnv, webDir } from './generate-graphql-env.mjs';

const schemaPath = process.argv[2] ?? path.join(webDir, '../../packages/schema/schema.graphql');
const schemaSource = readFileSync(schemaPath, 'utf8');
const schema = buildSchema(schemaSource);
const problems = [];

// `const Name = graphql(`…`, [Fragments])`: fragments are passed as values, so each document only
// spreads them by name and all documents are validated together.
const documentPattern = /const\s+(\w+)\s*=\s*graphql\(\s*`([\s\S]*?)`/g;
const documents = [];
for (const file of readdirSync(path.join(webDir, 'src'), { recursive: true, withFileTypes: true })) {
  if (!file.isFile() || !/\.tsx?$/.test(file.name) || file.name.endsWith('.d.ts')) continue;
  const filePath = path.join(file.parentPath, file.name);
  const source = readFileSync(filePath, 'utf8');
  if (/\bgql`|\bgql</.test(source)) {
    problems.push(`${path.relative(webDir, filePath)}: untyped gql tag; use graphql() from src/lib/graphql.ts`);
  }
  for (const match of source.matchAll(documentPattern)) {
    documents.push({ file: path.relative(webDir, filePath), constant: match[1], body: match[2] });
  }
}

const namePattern = /^[A-Z][A-Za-z0-9]*_[A-Z][A-Za-z0-9]*(Query|Mutation|Subscription|Fragment)$/;
const seen = new Map();
const parsed = [];
for (const doc of documents) {
  let ast;
  try {
    ast = parse(doc.body);
  } catch (error) {
    problems.push(`${doc.file} ${doc.constant}: ${error.message}`);
    continue;
  }
  parsed.push(...ast.definitions);
  for (const definition of ast.definitions) {
    const name = definition.name?.value ?? '(anonymous)';
    const where = `${doc.file}: ${name}`;
    if (!namePattern.test(name)) problems.push(`${where} is not named <Component>_<Name>(Query|Mutation|…|Fragment)`);
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      const suffix = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' }[definition.operation];
      if (!name.endsWith(suffix))
        problems.push(`${where} is a ${definition.operation}; its name must end in ${suffix}`);
    }
    if (name !== doc.constant) problems.push(`${where} is held by a constant named ${doc.constant}`);
    if (seen.has(name)) problems.push(`${where} is also defined in ${seen.get(name)}`);
    seen.set(name, doc.file);
  }
}

for (const error of validate(schema, { kind: Kind.DOCUMENT, definitions: parsed })) problems.push(error.message);

let generated = '';
try {
  generated = readFileSync(outputPath, 'utf8');
} catch {}
if (generated !== renderGraphqlEnv(schemaSource)) {
  problems.push(
    `${path.relative(webDir, outputPath)} is stale for ${path.basename(schemaPath)}: run \`npm run generate -w apps/web\``,
  );
}

for (const problem of problems) console.error(`✗ ${problem}`);
console.log(
  `${parsed.length} definitions in ${documents.length} documents checked against ${path.relative(process.cwd(), schemaPath)}`,
);
process.exit(problems.length === 0 ? 0 : 1);
