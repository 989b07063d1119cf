import { pino, type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they appear in a logged object. */
const REDACT = [
  'password',
  'secret',
  '*.password',
  '*.secret',
  '*.*.password',
  '*.*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

export function createLogger(options: {
  level: string;
  name: string;
  destination?: NodeJS.WritableStream;
}): Logger {
  return pino(
    { level: options.level, name: options.name, redact: { paths: REDACT, censor: '[redacted]' } },
    options.destination ?? process.stderr,
  );
}

/** A child logger per call, carrying the ids that tie log lines to rows and PBX channels. */
export function callLogger(
  root: Logger,
  ids: { campaignId?: number | string; leadId?: number | string; callId: string },
): Logger {
  return root.child(ids);
}
