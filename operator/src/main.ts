// Entry point: `node operator/src/main.ts [flags]` (see --help). Reads configuration, starts
// the operator, and shuts it down gracefully on SIGTERM/SIGINT (second signal: exit at once).
import { ConfigError, parseConfig, usage } from './config.ts';
import { createLogger } from './log.ts';
import { startOperator } from './operator.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(usage());
  process.exit(0);
}

let config;
try {
  config = parseConfig(argv, process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`shopwatch-operator: invalid configuration: ${error.message}`);
    process.exit(2);
  }
  throw error;
}

const log = createLogger(config.logLevel);
const operator = await startOperator(config, log);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) {
    log.warn({ signal }, 'second signal, exiting now');
    process.exit(1);
  }
  stopping = true;
  log.info({ signal }, 'signal received');
  // Bounded: a hung API call must not keep a terminating pod alive past its grace period.
  const deadline = setTimeout(() => {
    log.error('graceful shutdown timed out');
    process.exit(1);
  }, 25_000);
  deadline.unref();
  operator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: String(error) }, 'error during shutdown');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
