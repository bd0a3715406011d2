import { useEffect, useState } from 'preact/hooks';

/** The current time, ticking every `everyMs`: drives live countdowns. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** "14m 05s left", "2h 10m left", "overdue 3m 12s". */
export function countdown(deadline: string | null, now: number): string {
  if (deadline === null) {
    return 'no deadline';
  }
  const ms = Date.parse(deadline) - now;
  const abs = Math.abs(ms);
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = Math.floor((abs % 60_000) / 1000);
  let span = `${minutes}m ${pad(seconds)}s`;
  if (hours >= 24) {
    span = `${Math.floor(hours / 24)}d ${hours % 24}h`;
  } else if (hours > 0) {
    span = `${hours}h ${pad(minutes)}m`;
  }
  return ms >= 0 ? `${span} left` : `overdue ${span}`;
}

export type Urgency = 'overdue' | 'soon' | 'ok' | 'none';

export function urgency(deadline: string | null, now: number): Urgency {
  if (deadline === null) {
    return 'none';
  }
  const ms = Date.parse(deadline) - now;
  if (ms < 0) {
    return 'overdue';
  }
  return ms < 15 * 60_000 ? 'soon' : 'ok';
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** 45 s, 12 min, 3.5 h, 2.1 d. */
export function duration(ms: number | null): string {
  if (ms === null) {
    return '—';
  }
  if (ms < 60_000) {
    return `${Math.round(ms / 1000)} s`;
  }
  if (ms < 3_600_000) {
    return `${Math.round(ms / 60_000)} min`;
  }
  if (ms < 86_400_000) {
    return `${(ms / 3_600_000).toFixed(1)} h`;
  }
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** Only http(s) links from stored posts become hrefs; anything else (javascript:, data:) is not a link. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) {
    return null;
  }
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
