import { describe, expect, it } from 'vitest';
import { crossServiceDashboards } from '../src/index.ts';
import { layoutProblems, panelsOf, parses } from './layout.ts';

describe('cross-service dashboards', () => {
  const dashboards = Object.entries(crossServiceDashboards());

  it('exports the four dashboards of the design with distinct uids', () => {
    expect(dashboards.map(([file]) => file)).toEqual(['shopwatch-overview.json', 'shopwatch-checkout-saga.json', 'shopwatch-slos.json', 'shopwatch-nodejs.json']);
    expect(new Set(dashboards.map(([, d]) => d.uid)).size).toBe(4);
  });

  for (const [file, dashboard] of dashboards) {
    it(`${file}: valid PromQL through the datasource variable, filtered by namespace, laid out cleanly`, () => {
      const targets = panelsOf(dashboard).flatMap((p) => p.targets ?? []);
      expect(targets.length).toBeGreaterThanOrEqual(5);
      for (const t of targets) {
        expect(parses(t.expr), t.expr).toBe(true);
        expect(t.datasource?.uid).toBe('${datasource}');
        expect(t.expr).toContain('namespace=~"$namespace"');
      }
      expect(layoutProblems(dashboard)).toEqual([]);
      expect(dashboard.templating?.list?.map((v) => v.name)).toEqual(['datasource', 'namespace']);
    });
  }
});
