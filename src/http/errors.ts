import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AgentTransitionError } from '../domain/agent-state.js';
import { DispositionError } from '../domain/disposition.js';
import { AgentLoginError, NotFoundError, PbxUnavailableError, PreviewError } from '../engine/errors.js';
import { AccountError } from '../accounts/errors.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A request's path parameters, query or body failed its schema; the message names the part and field. */
export class RequestValidationError extends Error {
  constructor(
    readonly part: 'path' | 'query' | 'body',
    readonly zod: ZodError,
  ) {
    super(describeZod(zod, part));
  }
}

/** `field: message` for body errors (as before), `field (query): message` for the others. */
export function describeZod(err: ZodError, part: 'path' | 'query' | 'body' = 'body'): string {
  return err.issues
    .map((i) => {
      const field = i.path.join('.');
      if (part === 'body') return `${field || '(body)'}: ${i.message}`;
      return `${field ? `${field} ` : ''}(${part}): ${i.message}`;
    })
    .join('; ');
}

/** The one place where error classes become HTTP statuses. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) return void reply.status(err.status).send({ error: err.message });
  if (err instanceof AccountError) return void reply.status(err.status).send({ error: err.message });
  if (err instanceof AgentLoginError) return void reply.status(err.status).send({ error: err.message });
  if (err instanceof NotFoundError) return void reply.status(404).send({ error: err.message });
  if (err instanceof PbxUnavailableError) return void reply.status(503).send({ error: err.message });
  if (err instanceof DispositionError) return void reply.status(err.status).send({ error: err.message });
  if (err instanceof PreviewError)
    return void reply.status(err.status).send({ error: err.message, ...err.details });
  if (err instanceof AgentTransitionError) return void reply.status(409).send({ error: err.message });
  if (err instanceof RequestValidationError) return void reply.status(400).send({ error: err.message });
  if (err instanceof ZodError) return void reply.status(400).send({ error: describeZod(err) });
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 500) req.log.error({ err }, 'request failed');
  void reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
}
