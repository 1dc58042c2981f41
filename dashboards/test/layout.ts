// Checks every dashboard must pass: valid PromQL, the datasource variable, unique ids, no overlaps.
import { parser } from '@prometheus-io/lezer-promql';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

export interface Target { expr: string; exemplar?: boolean; datasource?: { uid?: string }; legendFormat?: string }
export interface PanelJson { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: Target[] }

export function panelsOf(dashboard: Dashboard): PanelJson[] {
  return (dashboard.panels ?? []) as unknown as PanelJson[];
}

/** Grafana variables are not PromQL; replace the range ones the way Grafana would before parsing. */
export function parses(expr: string): boolean {
  const promql = expr.replace(/\[\$__rate_interval\]/g, '[5m]');
  let error = false;
  parser.parse(promql).iterate({
    enter: (n) => {
      if (n.type.isError) error = true;
    },
  });
  return !error;
}

/** Problems with the layout, as readable strings (empty when fine). */
export function layoutProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  const all = panelsOf(dashboard);
  if (new Set(all.map((p) => p.id)).size !== all.length) problems.push('duplicate panel ids');
  const cells = new Set<string>();
  for (const { gridPos: g, title } of all) {
    if (g.x + g.w > 24) problems.push(`${title} is wider than the grid`);
    for (let x = g.x; x < g.x + g.w; x++) {
      for (let y = g.y; y < g.y + g.h; y++) {
        if (cells.has(`${x},${y}`)) problems.push(`${title} overlaps at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
  }
  return problems;
}
