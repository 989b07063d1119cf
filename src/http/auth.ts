import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../config/errors.js';
import { readYamlFile } from '../config/yaml-file.js';

import { ROLES, type Principal, type Role } from './principal.js';

export { ROLES, type Principal, type Role } from './principal.js';

/** A key of the in-memory table (tests and the lab): who it acts as and what it may see. */
export interface KeyEntry {
  name: string;
  role: Role;
  /** The person the key acts as (for agent keys: the only agent it may act as). */
  agent?: string;
  /** The campaigns it is assigned to (scoped roles). */
  campaigns?: number[];
  sha256: string;
}

const keyFile = z.array(
  z
    .object({
      name: z.string().min(1),
      role: z.enum(ROLES),
      agent: z.string().optional(),
      campaigns: z.array(z.number().int().positive()).optional(),
      /** sha256 of the key, hex; the key itself is never stored. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    })
    .strict(),
);

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * API keys: a YAML list of {name, role, agent?, sha256}. Returns a lookup by presented key.
 * A file that cannot be read or is wrong throws ConfigError naming the file, entry and line.
 */
export function loadApiKeys(path: string): (presented: string) => Principal | undefined {
  return apiKeyLookup(readKeyFile(path));
}

/** The entries of a YAML keys file (the old `http.apiKeysFile`; `dialer apikey import` reads it). */
export function readKeyFile(path: string): KeyEntry[] {
  const file = readYamlFile(path);
  // An empty file is an empty list: every key refused.
  const result = keyFile.safeParse(file.value ?? []);
  if (!result.success) {
    const known = () => ['name', 'role', 'agent', 'campaigns', 'sha256'];
    throw new ConfigError(path, describeIssues(result.error.issues, known, file.lineOf));
  }
  return result.data;
}

export function apiKeyLookup(entries: KeyEntry[]): (presented: string) => Principal | undefined {
  const table = entries.map((e) => ({ ...e, digest: Buffer.from(e.sha256, 'hex') }));
  return (presented) => {
    const digest = Buffer.from(hashKey(presented), 'hex');
    for (const e of table) {
      if (timingSafeEqual(digest, e.digest)) {
        return {
          kind: 'key',
          actor: `key:${e.name}`,
          role: e.role,
          ...(e.agent ? { username: e.agent } : {}),
          campaigns: e.campaigns ?? [],
        };
      }
    }
    return undefined;
  };
}
