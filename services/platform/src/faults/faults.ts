// Faults are configuration, not hidden code paths: a JSON file (a ConfigMap in a cluster) that the
// service re-reads while running, validated against the service's own schema. A broken file never
// takes the service down: the last good settings stay in force and the problem is logged once.
import { readFile } from 'node:fs/promises';
import type { Static, TObject } from 'typebox';
import { Value } from 'typebox/value';
import type { Logger } from '../telemetry/logger.ts';

export interface Faults<S extends TObject> {
  /** The settings in force now (defaults when there is no file). */
  current(): Static<S>;
  /** Re-reads the file immediately (tests and the poll loop use it). */
  reload(): Promise<void>;
  stop(): void;
}

export interface FaultsOptions<S extends TObject> {
  schema: S;
  file?: string;
  logger: Logger;
  /** How often the file is re-read. Polling, because ConfigMap updates swap symlinks and fs.watch misses them. */
  intervalMs?: number;
}

export function parseFaults<S extends TObject>(schema: S, text: string): { ok: true; value: Static<S> } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  const value = Value.Default(schema, Value.Clone(raw));
  const first = Value.Errors(schema, value)[0];
  if (first) return { ok: false, error: `${first.instancePath || '/'} ${first.message}` };
  return { ok: true, value: value as Static<S> };
}

export function watchFaults<S extends TObject>(options: FaultsOptions<S>): Faults<S> {
  const defaults = Value.Default(options.schema, {}) as Static<S>;
  let current = defaults;
  let lastText: string | undefined;
  let lastError: string | undefined;

  const reload = async () => {
    if (!options.file) return;
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch {
      // No file means no faults: a missing ConfigMap key is the normal case.
      if (lastText !== undefined) options.logger.info({ file: options.file }, 'faults file gone, using defaults');
      lastText = undefined;
      current = defaults;
      return;
    }
    if (text === lastText) return;
    lastText = text;
    const parsed = parseFaults(options.schema, text);
    if (parsed.ok) {
      current = parsed.value;
      lastError = undefined;
      options.logger.info({ faults: current }, 'faults loaded');
    } else if (parsed.error !== lastError) {
      lastError = parsed.error;
      options.logger.error({ file: options.file, error: parsed.error }, 'faults file invalid, keeping previous settings');
    }
  };

  const timer = options.file ? setInterval(() => void reload(), options.intervalMs ?? 2_000) : undefined;
  timer?.unref();
  void reload();
  return {
    current: () => current,
    reload,
    stop: () => clearInterval(timer),
  };
}
