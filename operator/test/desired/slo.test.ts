import { describe, expect, it } from 'vitest';
import { burnRateAlerts, durationSeconds, formatDuration, parseObjective, sliWindows } from '../../src/desired/slo.ts';

describe('parseObjective', () => {
  it('turns a percentage string into target and budget without float noise', () => {
    expect(parseObjective('99.5')).toEqual({ target: 0.995, budget: 0.005 });
    expect(parseObjective('99.9')).toEqual({ target: 0.999, budget: 0.001 });
    expect(parseObjective('99.95')).toEqual({ target: 0.9995, budget: 0.0005 });
    expect(parseObjective('90')).toEqual({ target: 0.9, budget: 0.1 });
  });

  it('rejects 0, 100 and anything that is not a plain decimal', () => {
    for (const bad of ['0', '0.0', '100', '100.0', '-1', '99,5', '', '1e2', '99.']) {
      expect(() => parseObjective(bad), bad).toThrow();
    }
  });
});

describe('burnRateAlerts', () => {
  it('gives the classic factors for a 30-day window', () => {
    expect(burnRateAlerts('30d').map((a) => [a.severity, a.longWindow, a.shortWindow, a.factor, a.for])).toEqual([
      ['critical', '1h', '5m', 14.4, '2m'],
      ['critical', '6h', '30m', 6, '15m'],
      ['warning', '1d', '2h', 3, '1h'],
      ['warning', '3d', '6h', 1, '3h'],
    ]);
  });

  it('derives the factors for 28 days from the same budget shares', () => {
    const factors = burnRateAlerts('28d').map((a) => a.factor);
    expect(factors[0]).toBe(13.44);
    expect(factors[1]).toBe(5.6);
    expect(factors[2]).toBe(2.8);
    expect(factors[3]).toBeCloseTo(0.9333333333, 9);
  });

  it('consumes exactly the stated budget share when burning at the factor for the long window', () => {
    for (const window of ['30d', '28d'] as const) {
      for (const alert of burnRateAlerts(window)) {
        const consumed = (alert.factor * durationSeconds(alert.longWindow)) / durationSeconds(window);
        expect(consumed).toBeCloseTo(alert.budgetShare, 9);
      }
    }
  });
});

describe('windows and durations', () => {
  it('records every alert window plus the SLO window, shortest first', () => {
    expect(sliWindows('30d')).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(sliWindows('28d')).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
  });

  it('parses and formats Prometheus durations', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('28d')).toBe(28 * 86400);
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(3 * 86400)).toBe('3d');
    expect(formatDuration(120)).toBe('2m');
    expect(() => durationSeconds('5 minutes')).toThrow();
  });
});
