/** Small text helpers shared by the renderers. */
import type { EventletKind } from '../catalog/python-eventlet';
import type { ReportLocation } from './model';

export const KIND_LABELS: Record<EventletKind, string> = {
  import: 'imports',
  'monkey-patch': 'monkey_patch',
  'green-pool': 'green pools',
  spawn: 'spawn',
  sleep: 'sleep',
  timeout: 'Timeout',
  tpool: 'tpool',
  'green-primitive': 'locks and queues',
  wsgi: 'wsgi',
};

/** `app/pools.py:12` (1-based line, as editors show it). */
export function locationText(location: ReportLocation): string {
  return `${location.path}:${location.line + 1}`;
}

export function durationText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function sizeText(size: { source: string; text: string } | null): string {
  if (!size) return '—';
  if (size.source === 'default') return 'library default';
  return size.source === 'config' ? `${size.text} (config)` : size.text;
}
