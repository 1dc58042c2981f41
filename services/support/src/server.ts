// Support process: the platform's start (config, tracing, migrations, pool, faults, relay, close
// order); what is support's own is its app and the events topic it creates.
import { startService } from '@shopwatch/platform';
import { loadSupportConfig } from './config.ts';

startService({
  name: 'support',
  config: () => loadSupportConfig(),
  async start({ config, logger, database, faults }) {
    const { buildSupportApp } = await import('./app.ts');
    const { migrateSupport } = await import('./migrate.ts');
    const pool = await database(migrateSupport);
    const app = await buildSupportApp({ faults: faults(), pool, logger, jwt: { secret: config.JWT_SECRET }, eventsTopic: config.EVENTS_TOPIC });
    return { app, topics: config.OUTBOX_RELAY ? [config.EVENTS_TOPIC] : [], outboxRelay: config.OUTBOX_RELAY };
  },
});
