import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { labDefaults } from './defaults.js';
import { ConfigError, describeIssues, formatPath, problemLine, type LineOf } from './errors.js';
import { configSchema, crossCheck, type ParsedConfig } from './schema.js';
import { readYamlFile } from './yaml-file.js';

/** The validated configuration: credentials resolved from their files, deeply frozen. */
export type Config = DeepReadonly<
  Omit<ParsedConfig, 'database' | 'pbx' | 'webhooks'> & {
    database: { url: string };
    pbx: { nodes: PbxNodeConfig[] };
    webhooks: WebhooksConfig;
    /** Where the configuration came from (a path, or "embedded defaults"). */
    source: string;
  }
>;

export type PbxNodeConfig = Omit<ParsedConfig['pbx']['nodes'][number], 'ari' | 'ami' | 'esl'> & {
  ari?: { url: string; username: string; password: string; app: string };
  ami?: { host: string; port: number; username: string; secret: string };
  esl?: Omit<NonNullable<ParsedConfig['pbx']['nodes'][number]['esl']>, 'password' | 'passwordFile'> & {
    password: string;
  };
};

type ParsedWebhooks = ParsedConfig['webhooks'];
/** Webhook endpoints with their signing secrets read from their files. */
export type WebhooksConfig = Omit<ParsedWebhooks, 'endpoints'> & {
  endpoints: (Omit<ParsedWebhooks['endpoints'][number], 'secretFile'> & { secret: string })[];
};

/** A signing secret shorter than this is refused: it could be guessed. */
const MIN_WEBHOOK_SECRET = 16;

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export interface LoadOptions {
  /** Explicit file; else `DIALER_CONFIG`, else `config/dialer.yaml` if present, else the defaults. */
  file?: string;
  /** False: never pick up `config/dialer.yaml` by itself (the demo runs on the lab's defaults). */
  implicitFile?: boolean;
  /**
   * `optional`: a PBX credential file that cannot be read leaves that password empty instead of
   * failing — for commands that use only Postgres (doctor, import, campaign, …).
   */
  pbxSecrets?: 'required' | 'optional';
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/**
 * Loads and validates the configuration once. Throws ConfigError listing every problem; never
 * returns a half-valid config. This is the only module that reads environment variables.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const named = options.file ?? env['DIALER_CONFIG'];
  const file = named ?? (options.implicitFile === false ? undefined : defaultFile(cwd));
  const source = file ? resolve(cwd, file) : 'embedded defaults';
  try {
    const read = file ? readYaml(source) : { raw: labDefaults(), lineOf: undefined };
    return loadFrom(source, read, env, cwd, options.pbxSecrets ?? 'required');
  } catch (err) {
    if (!(err instanceof ConfigError) || named !== undefined || !file) throw err;
    throw new ConfigError(err.source, err.problems, IMPLICIT_NOTE);
  }
}

/** Said when config/dialer.yaml was read only because it exists. */
const IMPLICIT_NOTE =
  'This file was read because it exists (no -c/--config or $DIALER_CONFIG given); fix it, name another with -c, or move it away to use the lab defaults.';

function loadFrom(
  source: string,
  { raw, lineOf }: { raw: Record<string, unknown>; lineOf: LineOf | undefined },
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  pbxSecrets: 'required' | 'optional',
): Config {
  applyEnv(raw, env);
  const result = configSchema.safeParse(raw);
  const problems = [
    ...(result.success ? [] : describeIssues(result.error.issues, (p) => knownKeys(p), lineOf)),
    ...crossCheck(raw).map((i) => problemLine(i.path, i.message, lineOf)),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(resolveSecrets(result.data, { source, cwd, lineOf, pbxSecrets }));
}

function defaultFile(cwd: string): string | undefined {
  const candidate = resolve(cwd, 'config/dialer.yaml');
  return existsSync(candidate) ? candidate : undefined;
}

function readYaml(path: string): { raw: Record<string, unknown>; lineOf: LineOf } {
  const file = readYamlFile(path);
  const value = file.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(path, ['the file must hold a mapping of settings (key: value)']);
  }
  return { raw: value as Record<string, unknown>, lineOf: file.lineOf };
}

/** A few deployment-time overrides, so containers need not rewrite the file. */
function applyEnv(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): void {
  const set = (section: string, key: string, value: string | undefined) => {
    if (value === undefined) return;
    const current = (raw[section] ?? {}) as Record<string, unknown>;
    raw[section] = { ...current, [key]: value };
  };
  set('database', 'url', env['DIALER_DATABASE_URL']);
  if (env['DIALER_DATABASE_URL'] !== undefined)
    delete (raw['database'] as Record<string, unknown>)['urlFile'];
  set('redis', 'url', env['DIALER_REDIS_URL']);
  set('recordings', 'root', env['DIALER_RECORDINGS_ROOT']);
}

interface SecretContext {
  source: string;
  cwd: string;
  lineOf?: LineOf;
  pbxSecrets: 'required' | 'optional';
}

function resolveSecrets(cfg: ParsedConfig, { source, cwd, lineOf, pbxSecrets }: SecretContext): Config {
  const problems: string[] = [];
  const secret = (inline: string | undefined, file: string | undefined, key: PropertyKey[]): string => {
    if (inline !== undefined) return inline;
    try {
      return readFileSync(resolve(cwd, file ?? ''), 'utf8').trim();
    } catch (err) {
      if (pbxSecrets === 'optional' && key[0] === 'pbx') return '';
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const hint =
        code === 'ENOENT'
          ? " — create it holding only the secret (chmod 600, owned by the dialer's user), or point the key at yours"
          : code === 'EACCES'
            ? " — the dialer's user cannot read it: check its owner and mode"
            : '';
      problems.push(problemLine(key, `cannot read ${file ?? ''}: ${code}${hint}`, lineOf));
      return '';
    }
  };
  const nodes = cfg.pbx.nodes.map((n, i) => {
    const at = ['pbx', 'nodes', i];
    const { ari, ami, esl, ...rest } = n;
    const node: PbxNodeConfig = { ...rest };
    if (ari)
      node.ari = {
        url: ari.url,
        username: ari.username,
        app: ari.app,
        password: secret(ari.password, ari.passwordFile, [...at, 'ari', 'passwordFile']),
      };
    if (ami)
      node.ami = {
        host: ami.host,
        port: ami.port,
        username: ami.username,
        secret: secret(ami.secret, ami.secretFile, [...at, 'ami', 'secretFile']),
      };
    if (esl)
      node.esl = {
        host: esl.host,
        port: esl.port,
        recordingDir: esl.recordingDir,
        amdEngine: esl.amdEngine,
        conferenceProfile: esl.conferenceProfile,
        apiLanes: esl.apiLanes,
        amdVerdictTimeoutMs: esl.amdVerdictTimeoutMs,
        avmdWindowMs: esl.avmdWindowMs,
        password: secret(esl.password, esl.passwordFile, [...at, 'esl', 'passwordFile']),
      };
    return node;
  });
  const dbUrl = secret(cfg.database.url, cfg.database.urlFile, ['database', 'urlFile']);
  const endpoints = cfg.webhooks.endpoints.map(({ secretFile, ...e }, i) => {
    const key = ['webhooks', 'endpoints', i, 'secretFile'];
    const value = secret(undefined, secretFile, key);
    if (value !== '' && value.length < MIN_WEBHOOK_SECRET) {
      problems.push(
        problemLine(
          key,
          `the secret in ${secretFile} is shorter than ${MIN_WEBHOOK_SECRET} characters`,
          lineOf,
        ),
      );
    }
    return { ...e, secret: value };
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return {
    ...cfg,
    database: { url: dbUrl },
    pbx: { nodes },
    webhooks: { ...cfg.webhooks, endpoints },
    recordings: { ...cfg.recordings, root: resolve(cwd, cfg.recordings.root) },
    source,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

interface ZodDefLike {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDefLike } }>;
  element?: { _zod: { def: ZodDefLike } };
  innerType?: { _zod: { def: ZodDefLike } };
  in?: { _zod: { def: ZodDefLike } };
}

/** The keys the schema allows at `path`, for "did you mean" hints. */
function knownKeys(path: PropertyKey[]): string[] {
  let def = (configSchema as unknown as z.ZodType)._zod.def as unknown as ZodDefLike;
  const unwrap = () => {
    while (def.innerType || def.in) def = (def.innerType ?? def.in)!._zod.def;
  };
  unwrap();
  for (const segment of path) {
    if (typeof segment === 'number' && def.element) def = def.element._zod.def;
    else if (typeof segment === 'string' && def.shape?.[segment]) def = def.shape[segment]._zod.def;
    else return [];
    unwrap();
  }
  return def.shape ? Object.keys(def.shape) : [];
}

export { ConfigError, formatPath };
