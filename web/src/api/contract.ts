/**
 * The console's hand-written API types checked against the types generated from the API
 * document (schema.d.ts, `npm run api:types`): if the server's answer stops fitting what a page
 * expects, this file fails the type-check (`npm run check`).
 */
import type { AuditRow, Campaign } from './admin';
import type { ImportStatus } from './imports';
import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON answer of `method path` as the API document declares it. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: infer R };
}
  ? JsonOf<R>
  : never;

type Assert<T extends true> = T;
type Fits<A, B> = [A] extends [never] ? false : [A] extends [B] ? true : false;

export type ContractChecks = [
  Assert<Fits<Answer<'/api/campaigns', 'get'>, Campaign[]>>,
  Assert<Fits<Answer<'/api/campaigns/{id}', 'get'>, Campaign & { rules: Record<string, unknown> }>>,
  Assert<Fits<Answer<'/api/campaigns', 'post'>, Campaign>>,
  Assert<
    Fits<
      Answer<'/api/campaigns/{id}/approve', 'post'>,
      { complete: boolean; level: string; missing?: number }
    >
  >,
  Assert<Fits<Answer<'/api/campaigns/{id}/pause', 'post'>, { status: Campaign['status'] }>>,
  Assert<Fits<Answer<'/api/campaigns/{id}/lists', 'post'>, { importId: string }>>,
  Assert<Fits<Answer<'/api/imports/{id}', 'get'>, ImportStatus>>,
  Assert<Fits<Answer<'/api/audit', 'get'>, AuditRow[]>>,
];
