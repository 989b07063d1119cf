/**
 * ari-client loads ARI's API through swagger-client 2, which defines a global `log` that prints
 * its messages as a raw array on stdout — on every connect, "This API is using a deprecated
 * version of Swagger!" (Asterisk serves Swagger 1.1; that is expected, not a fault). Imported
 * right after ari-client, this swaps that global for one that keeps swagger-client's history
 * and prints nothing; the driver logs what matters (connected, reconnecting, errors) itself.
 */
interface SwaggerLog {
  (...args: unknown[]): void;
  history?: unknown[];
}

const holder = globalThis as { log?: SwaggerLog };
const original = holder.log;
// Only swagger-client's own logger (it records a history), never someone else's global.
if (typeof original === 'function' && String(original).includes('log.history')) {
  const quiet: SwaggerLog = (...args: unknown[]) => {
    quiet.history ??= [];
    quiet.history.push(args);
    // Bounded: one entry per API load, but a long-running service reconnects many times.
    if (quiet.history.length > 50) quiet.history.shift();
  };
  holder.log = quiet;
}

export {};
