// Follows the `loadgen` section of the settings file (FAULTS_FILE, which the platform re-reads every
// 2 s) and steers the runner when it changes — the chart writes `loadgen.rate`/`loadgen.paused`
// there, so a Helm upgrade changes the load without replacing the pod.
import type { Faults, Logger } from '@shopwatch/platform';
import { Type } from 'typebox';
import { steeringUpdate, type FileSteering } from '../domain/steering.ts';
import type { LoadRunner } from './runner.ts';

export const LoadgenSettingsFileSchema = Type.Object(
  {
    loadgen: Type.Optional(
      Type.Object(
        {
          /** Journeys started per second (at most LOADGEN_MAX_RATE; a higher value is refused and logged). */
          rate: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
          paused: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: true },
);

export interface FileSteeringJob {
  start(intervalMs: number): void;
  stop(): Promise<void>;
  /** Applies the file's section now if it changed (the first call applies what it says). */
  follow(): void;
}

export function fileSteering(settings: Faults<typeof LoadgenSettingsFileSchema>, runner: LoadRunner, logger: Logger): FileSteeringJob {
  let applied: FileSteering | undefined;
  let timer: NodeJS.Timeout | undefined;
  const follow = () => {
    const next = settings.current().loadgen ?? {};
    const update = steeringUpdate(applied, next);
    if (!update) return;
    const result = runner.update(update);
    // Remembered either way: a refused value is logged once, not every 2 s.
    applied = { ...applied, ...next };
    if (result.ok) logger.info({ control: update }, 'load steered by the settings file');
    else logger.warn({ control: update, errors: result.errors }, 'settings file asks for load outside the limits; ignored');
  };
  return {
    follow,
    start(intervalMs) {
      timer = setInterval(follow, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
}
