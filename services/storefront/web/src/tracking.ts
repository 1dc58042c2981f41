// The app's click-event batcher: one per tab, sent to the analytics service through the gateway.
// Best effort: nothing here can fail or slow the UI.
import { EventBatcher, type ClickDetails, type ClickEventType } from './lib/analytics.ts';
import { randomId } from './lib/ids.ts';

const SESSION_KEY = 'shopwatch.analytics-session';

function sessionId(): string {
  try {
    const existing = sessionStorage.getItem(SESSION_KEY);
    if (existing) return existing;
    const id = randomId();
    sessionStorage.setItem(SESSION_KEY, id);
    return id;
  } catch {
    return randomId();
  }
}

const batcher = new EventBatcher({
  sessionId: sessionId(),
  now: () => new Date(),
  schedule: (run, ms) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
  send: async (events) => {
    const response = await fetch('/api/analytics/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
      // Lets the last batch go out while the page unloads.
      keepalive: true,
    });
    if (!response.ok) throw new Error(`analytics answered ${response.status}`);
  },
});

if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void batcher.flush();
  });
}

export function track(type: ClickEventType, details: ClickDetails = {}): void {
  try {
    batcher.track(type, details);
  } catch {
    // never let analytics break the shop
  }
}
