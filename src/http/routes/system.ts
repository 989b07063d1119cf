import type { Metrics } from '../../metrics.js';
import type { CheckResult } from '../../startup/dependencies.js';
import { access, route, type AnyRoute } from '../route-spec.js';

/** Liveness (the process answers), readiness (everything it needs answers) and metrics. */
export function systemRoutes(deps: {
  ready: () => Promise<CheckResult[]>;
  metrics?: Metrics;
  /** Conditions that do not make the process dead (the archive full): `degraded`, still 200. */
  warnings?: () => string[];
}): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/health',
      summary: 'Liveness: the process answers (degraded, with warnings, when e.g. the archive is full)',
      access: access.public(),
      handler: () => {
        const warnings = deps.warnings?.() ?? [];
        return {
          status: warnings.length ? 'degraded' : 'ok',
          uptimeSec: Math.round(process.uptime()),
          warnings,
        };
      },
    }),
    route({
      method: 'GET',
      url: '/ready',
      summary: 'Readiness: every dependency answers (503 when one does not)',
      access: access.public(),
      handler: async ({ reply }) => {
        const checks = await deps.ready();
        const ready = checks.every((c) => c.ok);
        return reply.status(ready ? 200 : 503).send({ ready, checks });
      },
    }),
    route({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics',
      access: access.public(),
      handler: async ({ reply }) => {
        if (!deps.metrics) return reply.status(404).send({ error: 'metrics are off' });
        return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
      },
    }),
  ];
}
