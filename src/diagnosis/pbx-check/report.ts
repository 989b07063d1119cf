/**
 * `dialer pbx check`: one line per thing the dialer needs from a PBX node, each with the fix
 * when it is wrong. Pure formatting and the facts the checks work from; the checks that talk
 * to a PBX are in ari-check.ts (Asterisk over ARI) and ami-check.ts.
 */
export type CheckStatus = 'ok' | 'fail' | 'skipped';

export interface CheckLine {
  node: string;
  /** Short name: `ari`, `stasis`, `dialplan`, `modules`, `trunk lab-carrier`, `agent agent1`, `sound …`, `recording`. */
  check: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to change, when it failed (or why a check was skipped). */
  fix?: string;
}

/** What the node must serve: from the config and the database, gathered once by the command. */
export interface NodeNeeds {
  node: string;
  /** Trunks on this node: their name and dial string (`PJSIP/{number}@carrier-a`). */
  trunks: { name: string; dial: string }[];
  /** Active agents' softphone endpoints (`PJSIP/agent1`), or undefined when Postgres was not asked. */
  agents?: { username: string; endpoint: string }[];
  /** `sound:` media the campaigns on this node play (identification messages, survey prompts). */
  sounds: string[];
}

export function formatReport(lines: readonly CheckLine[]): string {
  const mark = { ok: 'ok  ', fail: 'FAIL', skipped: 'skip' } as const;
  const out: string[] = [];
  let node = '';
  for (const l of lines) {
    if (l.node !== node) {
      node = l.node;
      out.push(`PBX node ${node}:`);
    }
    out.push(`  ${mark[l.status]}  ${l.check}: ${l.detail}`);
    if (l.fix && l.status !== 'ok') out.push(`        fix: ${l.fix}`);
  }
  const failed = lines.filter((l) => l.status === 'fail').length;
  out.push(
    failed === 0
      ? `all ${lines.filter((l) => l.status === 'ok').length} checks passed`
      : `${failed} of ${lines.length} checks failed`,
  );
  return out.join('\n');
}

/** `PJSIP/{number}@carrier-a` → PJSIP endpoint `carrier-a`; `SIP/carrier/{number}` → `carrier`. */
export function trunkEndpoint(dial: string): { technology: string; resource: string } | undefined {
  const at = /^(PJSIP|SIP|IAX2)\/[^@]*@([\w.-]+)$/i.exec(dial);
  if (at?.[1] && at[2]) return { technology: at[1].toUpperCase(), resource: at[2] };
  const slash = /^(SIP|IAX2|DAHDI)\/([\w.-]+)\/.*\{number\}/i.exec(dial);
  if (slash?.[1] && slash[2]) return { technology: slash[1].toUpperCase(), resource: slash[2] };
  return undefined;
}

/** `PJSIP/agent1` → PJSIP endpoint `agent1`; undefined for forms ARI cannot look up (Local/…). */
export function agentEndpoint(endpoint: string): { technology: string; resource: string } | undefined {
  const m = /^(PJSIP|SIP|IAX2)\/([\w.-]+)$/i.exec(endpoint);
  return m?.[1] && m[2] ? { technology: m[1].toUpperCase(), resource: m[2] } : undefined;
}

/** Every `sound:` string anywhere in a campaign's settings (id message, survey prompts). */
export function soundsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string' && value.startsWith('sound:')) found.add(value);
  else if (Array.isArray(value)) for (const v of value) soundsIn(v, found);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) soundsIn(v, found);
  return found;
}
