#!/usr/bin/env node
/**
 * Extracts the X API v2 operations earshot uses, plus the transitive closure of the components they
 * reference, from the full spec into a small fixture that CI can validate the sandbox against without
 * the full 750 kB spec.
 *
 *   node scripts/trim-openapi.mjs [source.json] [output.json]
 *
 * Defaults: /work/shared/reference/x-api-v2.openapi.json → test/fixtures/openapi/x-api-v2.subset.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as prettier from 'prettier';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? '/work/shared/reference/x-api-v2.openapi.json';
const output = process.argv[3] ?? resolve(root, 'test/fixtures/openapi/x-api-v2.subset.json');

/** operationIds the sandbox implements (src/sandbox/x/routes). */
const OPERATIONS = new Set([
  'getUsersMe',
  'getUsersMentions',
  'searchPostsRecent',
  'getPostsByIds',
  'createPosts',
  'createDirectMessagesByParticipantId',
]);

const spec = JSON.parse(readFileSync(source, 'utf8'));

/** Every local reference in a value: `$ref`s and discriminator mapping targets. */
function collectRefs(value, found) {
  if (Array.isArray(value)) {
    for (const item of value) {
      collectRefs(item, found);
    }
    return;
  }
  if (value === null || typeof value !== 'object') {
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === '$ref' && typeof child === 'string') {
      found.add(child);
    } else if (key === 'mapping' && child !== null && typeof child === 'object') {
      for (const target of Object.values(child)) {
        if (typeof target === 'string' && target.startsWith('#/')) {
          found.add(target);
        }
      }
      collectRefs(child, found);
    } else {
      collectRefs(child, found);
    }
  }
}

function resolvePointer(pointer) {
  const parts = pointer
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = spec;
  for (const part of parts) {
    node = node?.[part];
  }
  if (node === undefined) {
    throw new Error(`Unresolvable reference ${pointer}`);
  }
  return { parts, node };
}

const paths = {};
const pending = new Set();
const securitySchemes = new Set();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (!OPERATIONS.has(operation?.operationId)) {
      continue;
    }
    paths[path] = { ...paths[path], [method]: operation };
    collectRefs(operation, pending);
    for (const requirement of operation.security ?? []) {
      for (const scheme of Object.keys(requirement)) {
        securitySchemes.add(scheme);
      }
    }
  }
}

const missing = [...OPERATIONS].filter(
  (id) =>
    !Object.values(paths).some((item) => Object.values(item).some((op) => op.operationId === id)),
);
if (missing.length > 0) {
  throw new Error(`Operations missing from the spec: ${missing.join(', ')}`);
}

const components = {};
const done = new Set();
while (pending.size > 0) {
  const [pointer] = pending;
  pending.delete(pointer);
  if (done.has(pointer)) {
    continue;
  }
  done.add(pointer);
  const { parts, node } = resolvePointer(pointer);
  if (parts[0] !== 'components' || parts.length !== 3) {
    throw new Error(`Unexpected reference shape ${pointer}`);
  }
  const [, section, name] = parts;
  components[section] ??= {};
  components[section][name] = node;
  collectRefs(node, pending);
}
components.securitySchemes = Object.fromEntries(
  [...securitySchemes].sort().map((scheme) => [scheme, spec.components.securitySchemes[scheme]]),
);
for (const section of Object.keys(components)) {
  components[section] = Object.fromEntries(
    Object.entries(components[section]).sort(([a], [b]) => a.localeCompare(b)),
  );
}

const subset = {
  openapi: spec.openapi,
  info: { title: spec.info.title, version: spec.info.version, license: spec.info.license },
  'x-note': `Trimmed copy of the X API v2 OpenAPI spec ${spec.info.version} (xdevplatform/xdk latest-openapi.json): only ${[...OPERATIONS].join(', ')} and the components they reference. Regenerate with node scripts/trim-openapi.mjs.`,
  servers: spec.servers,
  paths,
  components,
};

// Formatted like the rest of the repo so `prettier --check .` stays green after a regeneration.
const prettierConfig = (await prettier.resolveConfig(output)) ?? {};
writeFileSync(
  output,
  await prettier.format(JSON.stringify(subset), { ...prettierConfig, parser: 'json' }),
);
process.stdout.write(
  `Wrote ${output}: ${Object.keys(paths).length} paths, ${Object.keys(components.schemas ?? {}).length} schemas\n`,
);
