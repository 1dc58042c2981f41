// The GitOps values overlays (k8s/gitops) are values of charts/shopwatch-stack: its schemas (the
// platform chart's and the operator chart's, as Helm applies them) accept each, and refuse a
// misspelt key in the same place, so a typo cannot sit silently in Git.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mergeValues, root, validateChartValues } from './support/skaffold.ts';

const chart = path.join(root, 'charts/shopwatch-stack');
const overlays = ['k8s/gitops/values/shop.yaml', 'k8s/gitops/flux/cluster-values.yaml'];

describe.each(overlays)('%s', (file) => {
  const values = parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

  it("is accepted by the stack chart's schemas", () => {
    expect(Object.keys(values)).toEqual(['shopwatch']);
    const failures = validateChartValues(chart, values);
    expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
  });

  it('and the same overlay with a misspelt key is refused', () => {
    const misspelt = mergeValues(values, { shopwatch: { loadgen: { rates: 2 } } });
    expect(JSON.stringify(validateChartValues(chart, misspelt))).toContain('"additionalProperty":"rates"');
  });
});
