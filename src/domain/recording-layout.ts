/**
 * Where archived recordings are filed under the archive root. The default follows the domain
 * documents: year → month → project type (the campaign's purpose), then campaign and call.
 * Tokens: {yyyy} {mm} {dd} {purpose} {campaign} {call}; dates are the call's UTC date.
 */
export const DEFAULT_LAYOUT = '{yyyy}/{mm}/{purpose}/{campaign}/{call}.wav';

const TOKENS = ['yyyy', 'mm', 'dd', 'purpose', 'campaign', 'call'] as const;
type Token = (typeof TOKENS)[number];

export interface LayoutFields {
  callId: string;
  campaignCode: string;
  purpose: string;
  at: Date;
}

/** Why a layout template cannot be used, or undefined when it can (for the config schema). */
export function layoutProblem(template: string): string | undefined {
  const used = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '');
  const unknown = used.filter((t) => !(TOKENS as readonly string[]).includes(t));
  if (unknown.length > 0)
    return `unknown token {${unknown[0]}} (known: ${TOKENS.map((t) => `{${t}}`).join(' ')})`;
  if (!used.includes('call')) return 'must contain {call}, so every call has its own file';
  if (!template.endsWith('.wav')) return 'must end in .wav';
  if (template.startsWith('/')) return 'is relative to recordings.root; remove the leading /';
  if (template.split('/').some((part) => part === '..' || part === '.' || part === '')) {
    return 'has an empty, "." or ".." folder';
  }
  return undefined;
}

/** A value safe as one path segment: no separators, no dot-only names. */
function segment(value: string): string {
  const safe = value.replace(/[^A-Za-z0-9._-]/g, '_');
  return /^\.+$/.test(safe) || safe === '' ? '_' : safe;
}

function tokenValues(f: LayoutFields): Record<Token, string> {
  return {
    yyyy: String(f.at.getUTCFullYear()),
    mm: String(f.at.getUTCMonth() + 1).padStart(2, '0'),
    dd: String(f.at.getUTCDate()).padStart(2, '0'),
    purpose: segment(f.purpose),
    campaign: segment(f.campaignCode),
    call: segment(f.callId),
  };
}

/** The file's path relative to the archive root. */
export function layoutPath(template: string, f: LayoutFields): string {
  const values = tokenValues(f);
  return template.replace(/\{([a-z]+)\}/g, (_, t: string) => values[t as Token] ?? `{${t}}`);
}

/**
 * The folder (relative to the root) whose SHA256SUMS lists this file: the month folder when the
 * layout has {mm} (so `sha256sum -c` on a month folder checks the whole month), otherwise the
 * year folder, otherwise the file's own folder.
 */
export function manifestFolder(template: string, f: LayoutFields): string {
  const parts = template.split('/');
  const rendered = layoutPath(template, f).split('/');
  for (const token of ['{mm}', '{yyyy}']) {
    const at = parts.findIndex((p) => p.includes(token));
    if (at >= 0 && at < parts.length - 1) return rendered.slice(0, at + 1).join('/');
  }
  return rendered.slice(0, -1).join('/');
}
