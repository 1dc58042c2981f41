// `promtool test rules` on every rule file the operator renders for the repository's specs
// (k8s/examples and charts/shopwatch/observability), with a case where each alert fires — labels
// and annotations checked — and one where it must not (cases.ts, cases/*.yaml). The rule files are
// the builder's real output, annotations included; each spec runs in its own temporary directory.
import { describe, expect, it } from 'vitest';
import { promtoolPath, runPromtool } from '../desired/promtool.ts';
import { alertKey, casesFor, type SpecCases } from './cases.ts';
import { renderRepositorySpecs } from './specs.ts';

promtoolPath();
const specs = renderRepositorySpecs();
const built = new Map<string, SpecCases>(specs.map((spec) => [spec.source, casesFor(spec)]));

describe('alert rules of the repository specs (promtool test rules)', { timeout: 600_000 }, () => {
  it('every rendered alert has a firing case, or a stated reason it cannot fire', () => {
    let total = 0;
    let firing = 0;
    const unreachable: string[] = [];
    const uncovered: string[] = [];
    const problems: string[] = [];
    for (const spec of specs) {
      const cases = built.get(spec.source) as SpecCases;
      problems.push(...cases.problems);
      for (const alert of spec.alerts) {
        total++;
        const key = alertKey(alert.alert, alert.labels);
        const reason = cases.unreachable.get(key);
        if (cases.fired.has(key)) firing++;
        else if (reason) unreachable.push(`${spec.source} ${key}: ${reason}`);
        else uncovered.push(`${spec.source} ${key}`);
      }
    }
    console.log(`alert rules: ${total} rendered from ${specs.length} specs, ${firing} with a firing case, ${unreachable.length} unreachable by design`);
    for (const line of unreachable) console.log(`  unreachable: ${line}`);
    expect(problems).toEqual([]);
    expect(uncovered, 'alerts without a firing case').toEqual([]);
    expect(firing + unreachable.length).toBe(total);
  });

  it.each(specs.map((s) => s.source))('%s: every case passes', (source) => {
    const spec = specs.find((s) => s.source === source) as (typeof specs)[number];
    const cases = built.get(source) as SpecCases;
    // One test file per rule group and evaluation interval, each loading only that group.
    const files: Record<string, unknown> = {};
    const index: string[] = [];
    const buckets = Map.groupBy(cases.groups, (c) => `${c.ruleGroup}@${c.step}m`);
    [...buckets.entries()].forEach(([key, group], i) => {
      const [ruleGroup, step] = key.split('@') as [string, string];
      files[`rules-${i}.yaml`] = { groups: spec.groups.filter((g) => g.name === ruleGroup) };
      files[`tests-${i}.yaml`] = { rule_files: [`rules-${i}.yaml`], evaluation_interval: step, tests: group.map((c) => c.group) };
      // promtool numbers failing groups from 0 within a file; the list says what each one is.
      group.forEach((c, n) => index.push(`  tests-${i}.yaml group ${n}: ${c.what}`));
    });
    const testFiles = Object.keys(files).filter((f) => f.startsWith('tests-'));
    const result = runPromtool(['test', 'rules', ...testFiles], files);
    expect(result.status, `${result.output}\n${index.join('\n')}`).toBe(0);
    expect(result.output.match(/SUCCESS/g)?.length).toBe(testFiles.length);
  });
});
