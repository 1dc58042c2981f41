// Structured JSON logs (pino), one line per event, level from configuration.
import { pino, type Logger } from 'pino';

export function createLogger(level: string, name = 'shopwatch-operator'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
