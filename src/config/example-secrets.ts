import type { Config } from './load.js';

/** Secrets that ship in example files or as a PBX's stock default: never good outside the lab. */
export const EXAMPLE_SECRETS = ['change_me', 'changeme', 'change-me', 'cluecon', 'secret', 'password'];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Why this configuration must not run outside the lab: a PBX credential that is an example or
 * stock value (CHANGE_ME from our examples, FreeSWITCH's ClueCon, …), or the HTTP API on a
 * non-loopback address with session cookies not marked Secure (sessions readable on the wire).
 * The lab (the embedded defaults) is exempt; its secrets are generated per machine anyway.
 */
export function unsafeForProduction(config: Config): string[] {
  if (config.source === 'embedded defaults') return [];
  const problems: string[] = [];
  const example = (v: string | undefined) =>
    v !== undefined && EXAMPLE_SECRETS.includes(v.trim().toLowerCase());
  config.pbx.nodes.forEach((n, i) => {
    const at = `pbx.nodes[${i}]`;
    if (example(n.ari?.password))
      problems.push(`${at}.ari.password: an example value — set a long random one`);
    if (example(n.ami?.secret)) problems.push(`${at}.ami.secret: an example value — set a long random one`);
    if (example(n.esl?.password)) {
      problems.push(
        `${at}.esl.password: an example or stock value (ClueCon) — set a long random one in FreeSWITCH and here`,
      );
    }
  });
  if (!LOOPBACK.test(config.http.host) && !config.http.secureCookies) {
    problems.push(
      `http.secureCookies: false while http.host is ${config.http.host} — serve the API behind TLS and keep secureCookies true (docs/security.md)`,
    );
  }
  return problems;
}
