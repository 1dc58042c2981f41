// Background work inside a service process.
export { RecurringJob } from './recurring-job.ts';
export type { RecurringJobOptions } from './recurring-job.ts';
