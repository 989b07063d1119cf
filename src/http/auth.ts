import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../config/errors.js';
import { readYamlFile } from '../config/yaml-file.js';

export const ROLES = ['agent', 'supervisor', 'qa', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  name: string;
  role: Role;
  /** For agents: the only agent they may act as. */
  agent?: string;
}

const keyFile = z.array(
  z
    .object({
      name: z.string().min(1),
      role: z.enum(ROLES),
      agent: z.string().optional(),
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
  const file = readYamlFile(path);
  // An empty file is an empty list: every key refused.
  const result = keyFile.safeParse(file.value ?? []);
  if (!result.success) {
    const known = () => ['name', 'role', 'agent', 'sha256'];
    throw new ConfigError(path, describeIssues(result.error.issues, known, file.lineOf));
  }
  return apiKeyLookup(result.data);
}

export function apiKeyLookup(
  entries: (Principal & { sha256: string })[],
): (presented: string) => Principal | undefined {
  const table = entries.map((e) => ({ ...e, digest: Buffer.from(e.sha256, 'hex') }));
  return (presented) => {
    const digest = Buffer.from(hashKey(presented), 'hex');
    for (const e of table) {
      if (timingSafeEqual(digest, e.digest)) return { name: e.name, role: e.role, agent: e.agent };
    }
    return undefined;
  };
}

/** Whether `who` may act for `agent` (agents for themselves; supervisors and admins for anyone). */
export function mayActAsAgent(who: Principal, agent: string): boolean {
  return who.role === 'admin' || who.role === 'supervisor' || (who.role === 'agent' && who.agent === agent);
}
