import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyError, describeError, PermanentError, type RetryPolicy } from '../../src/kafka/index.ts';

const policy: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, maxAttempts: Infinity };

describe('backoffDelay', () => {
  it('doubles per attempt between half and all of the exponential step', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap however many attempts were made', () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(5_000, policy, () => 0.5)).toBe(750);
  });
});

/** What node-postgres throws for a server error: an Error with the SQLSTATE in `code`. */
const pgError = (code: string, message = `pg ${code}`) => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('classifyError', () => {
  it('treats PermanentError as permanent and anything else as transient', () => {
    expect(classifyError(new PermanentError('no such product'))).toBe('permanent');
    expect(classifyError(new Error('connection refused'))).toBe('transient');
    expect(classifyError('a string')).toBe('transient');
    expect(classifyError(undefined)).toBe('transient');
  });

  it('finds a PermanentError anywhere in the cause chain', () => {
    const wrapped = new Error('reply failed', { cause: new Error('building the command', { cause: new PermanentError('bad command') }) });
    expect(classifyError(wrapped)).toBe('permanent');
  });

  it('dead-letters PostgreSQL data (22) and constraint (23) errors, directly or as a cause', () => {
    for (const code of ['22001', '22003', '22021', '22P02', '22P05', '23502', '23505', '23514']) {
      expect(classifyError(pgError(code)), code).toBe('permanent');
    }
    expect(classifyError(new Error('handler failed', { cause: pgError('23505') }))).toBe('permanent');
  });

  it('retries outages, deadlocks, serialization failures, shutdowns and Node errors', () => {
    for (const code of ['40001', '40P01', '57P01', '57P03', '53300', '08006', '08001', '42P01']) {
      expect(classifyError(pgError(code)), code).toBe('transient');
    }
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ERR_INVALID_ARG_TYPE']) {
      expect(classifyError(Object.assign(new Error(code), { code })), code).toBe('transient');
    }
    // A number, not a SQLSTATE string: not the database's verdict.
    expect(classifyError(Object.assign(new Error('x'), { code: 23505 }))).toBe('transient');
  });

  it('survives a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(classifyError(a)).toBe('transient');
  });
});

describe('describeError', () => {
  it('names the error and the SQLSTATE for a dead letter', () => {
    expect(describeError(new PermanentError('no such product'))).toBe('PermanentError: no such product');
    expect(describeError(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toBe('Error: invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021)');
    expect(describeError(new Error('outer', { cause: pgError('23505', 'duplicate key') }))).toBe('Error: outer (SQLSTATE 23505)');
    expect(describeError('plain')).toBe('plain');
  });
});
