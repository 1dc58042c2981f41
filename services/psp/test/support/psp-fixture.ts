// A psp app for tests, built in-process (psp has no infrastructure of its own).
import { createLogger, type App } from '@shopwatch/platform';
import { Value } from 'typebox/value';
import { buildPspApp } from '../../src/app.ts';
import { PspFaultsFileSchema, type PspFaultsFile } from '../../src/faults.ts';
import { AuthorizationStore } from '../../src/plugins/authorization-store.ts';

export interface PspFixture {
  app: App;
  store: AuthorizationStore;
  /** Replace the faults in force (the file's content, parsed). */
  setFaults(faults: unknown): void;
  close(): Promise<void>;
}

export async function startPsp(options: { random?: () => number } = {}): Promise<PspFixture> {
  let faults = Value.Default(PspFaultsFileSchema, {}) as PspFaultsFile;
  const store = new AuthorizationStore();
  const app = await buildPspApp({
    logger: createLogger({ service: 'psp', level: 'silent' }),
    store,
    faults: { current: () => faults },
    maxAmountCents: 1_000_000,
    ...(options.random ? { random: options.random } : {}),
  });
  await app.ready();
  return {
    app,
    store,
    setFaults: (value) => {
      faults = Value.Default(PspFaultsFileSchema, Value.Clone(value)) as PspFaultsFile;
    },
    close: () => app.close(),
  };
}
