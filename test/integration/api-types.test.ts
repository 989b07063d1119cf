import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { apiTypes, SCHEMA_FILE } from '../../scripts/api-types.js';

it('web/src/api/schema.d.ts is what `npm run api:types` generates from the route table now', async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  // Stale? Run `npm run api:types` and commit the file (web/src/api/contract.ts checks the pages' types against it).
  expect(await apiTypes()).toBe(committed);
});
