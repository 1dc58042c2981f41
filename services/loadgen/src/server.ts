// Loadgen process through the platform's startService; loadgen's own: the seed, steering from its
// settings file, and arrivals that start only once it listens (on SIGTERM its app stops them and
// aborts running scenarios).
import { randomInt } from 'node:crypto';
import { startService } from '@shopwatch/platform';
import { loadLoadgenConfig } from './config.ts';

startService({
  name: 'loadgen',
  config: () => loadLoadgenConfig(),
  async start({ config, logger, faults }) {
    const { buildLoadgenApp } = await import('./app.ts');
    const { fileSteering, LoadgenSettingsFileSchema } = await import('./plugins/file-steering.ts');
    const seed = config.LOADGEN_SEED ?? randomInt(0, 2 ** 32 - 1);
    // The settings file (the chart's `loadgen.rate`/`loadgen.paused`) steers the load while it runs;
    // the environment gives the values to start with when the file says nothing.
    const settingsFile = faults(LoadgenSettingsFileSchema);
    await settingsFile.reload();
    const app = await buildLoadgenApp({
      logger,
      gatewayUrl: config.GATEWAY_URL,
      settings: { rate: config.LOADGEN_RATE, mix: config.mix, paused: config.LOADGEN_PAUSED, maxInFlight: config.LOADGEN_MAX_IN_FLIGHT },
      limits: { maxRate: config.LOADGEN_MAX_RATE, maxInFlight: 10_000 },
      seed,
      shopperPoolSize: config.LOADGEN_SHOPPERS,
      thinkTimeMs: config.LOADGEN_THINK_TIME_MS,
      requestTimeoutMs: config.LOADGEN_REQUEST_TIMEOUT_MS,
      orderTimeoutMs: config.LOADGEN_ORDER_TIMEOUT_MS,
      orderPollMs: config.LOADGEN_ORDER_POLL_MS,
      connections: config.LOADGEN_CONNECTIONS,
      ...(config.LOADGEN_LOCAL_ADDRESS ? { localAddress: config.LOADGEN_LOCAL_ADDRESS } : {}),
    });
    const steering = fileSteering(settingsFile, app.loadgen, logger);
    steering.follow();
    return {
      app,
      jobs: [{ name: 'steering from the settings file', job: steering, everyMs: 2_000 }],
      afterListen: () => app.loadgen.start(),
      listening: { gateway: config.GATEWAY_URL, rate: app.loadgen.view().rate, mix: config.LOADGEN_MIX, seed },
    };
  },
});
