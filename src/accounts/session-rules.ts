export interface SessionTimes {
  last_seen_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

export type SessionState = 'live' | 'ended' | 'expired' | 'idle';

/** Whether a session is still good at `now`: not ended, before its expiry, used within `idleMs`. */
export function sessionState(s: SessionTimes, now: number, idleMs: number): SessionState {
  if (s.ended_at) return 'ended';
  if (now >= s.expires_at.getTime()) return 'expired';
  if (now - s.last_seen_at.getTime() >= idleMs) return 'idle';
  return 'live';
}
