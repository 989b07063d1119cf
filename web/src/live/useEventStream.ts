import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'open' | 'closed';

/**
 * Server-sent events from the API's /api/events stream (the session cookie authenticates it).
 * `topics` picks what to receive (e.g. "import:12"); each event's JSON data goes to
 * `onEvent(type, data)`. The browser reconnects by itself after a drop; `state` says where it
 * is. State shown to a user must come from the server (a snapshot on (re)connect), never from
 * page timers: hidden tabs throttle them.
 */
export function useEventStream(
  topics: readonly string[],
  onEvent: (type: string, data: unknown) => void,
  enabled = true,
): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  const key = topics.join(',');

  useEffect(() => {
    if (!enabled || key === '') return;
    const source = new EventSource(`/api/events?topics=${encodeURIComponent(key)}`, {
      withCredentials: true,
    });
    source.onopen = () => setState('open');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    source.onmessage = (e: MessageEvent<string>) => {
      const { type, data } = JSON.parse(e.data) as { type: string; data: unknown };
      handler.current(type, data);
    };
    return () => source.close();
  }, [key, enabled]);
  return state;
}
