// The close sequence on its own: phases in CLOSE_ORDER whatever the registration order,
// registration order within a phase, and a failing close neither stops the later ones nor is lost.
import { describe, expect, it } from 'vitest';
import { CloseSequence } from '../../src/service/close-order.ts';

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      debug: (fields: object, message: string) => lines.push(`${message} ${JSON.stringify(fields)}`),
      error: (fields: object, message: string) => lines.push(`${message} ${JSON.stringify({ ...fields, err: String((fields as { err: unknown }).err) })}`),
    },
  };
}

describe('CloseSequence', () => {
  it('closes by phase, then in registration order', async () => {
    const closed: string[] = [];
    const sequence = new CloseSequence();
    sequence.add('tracing', 'tracing', () => void closed.push('tracing'));
    sequence.add('pool', 'pool', async () => void closed.push('pool'));
    sequence.add('jobs', 'sweeper', () => void closed.push('sweeper'));
    sequence.add('consumers', 'commands', () => void closed.push('commands'));
    sequence.add('jobs', 'ticker', () => void closed.push('ticker'));
    sequence.add('relay', 'relay', () => void closed.push('relay'));
    expect(sequence.planned().map((c) => c.name)).toEqual(['commands', 'sweeper', 'ticker', 'relay', 'pool', 'tracing']);
    await sequence.run(recorder().logger);
    expect(closed).toEqual(['commands', 'sweeper', 'ticker', 'relay', 'pool', 'tracing']);
  });

  it('runs every close after a failure and rethrows the first failure', async () => {
    const closed: string[] = [];
    const sequence = new CloseSequence();
    sequence.add('relay', 'relay', async () => {
      throw new Error('broker gone');
    });
    sequence.add('pool', 'pool', () => void closed.push('pool'));
    const { lines, logger } = recorder();
    await expect(sequence.run(logger)).rejects.toThrow('broker gone');
    expect(closed).toEqual(['pool']);
    expect(lines[0]).toBe(`close failed {"err":"Error: broker gone","phase":"relay","resource":"relay"}`);
    expect(lines[1]).toMatch(/^closed .*"phase":"pool"/);
  });
});
