/**
 * Ctrl-C (or SIGTERM) during a run: the first one asks every wait loop to end early, so each
 * part's own clean-up runs (engines stopped, agent legs hung up, databases and Redis keys
 * removed); a second one quits at once.
 */
export const stop = { requested: false };

export function installStopHandlers(log: (line: string) => void): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.requested) process.exit(130);
    stop.requested = true;
    log(`${signal}: stopping — cleaning up what this run started (${signal} again quits at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
