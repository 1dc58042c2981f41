// Every alert links to its runbook page: `<runbook base URL>/<AlertName>.md`, the file name of
// docs/runbooks, unless a custom alert names its own page.
import { describe, expect, it } from 'vitest';
import { buildRuleGroups, runbookUrl, type AlertingRule } from '../../src/desired/prometheus-rule.ts';
import { checkoutResource, settings } from './fixtures.ts';

function alertsOf(resource = checkoutResource(), base = settings.runbookBaseUrl): AlertingRule[] {
  const { groups, problems } = buildRuleGroups(resource, { ...settings, runbookBaseUrl: base });
  expect(problems).toEqual([]);
  return groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
}

describe('runbook_url', () => {
  it('links every generated alert to <base>/<AlertName>.md', () => {
    const alerts = alertsOf();
    expect(new Set(alerts.map((a) => a.alert))).toEqual(
      new Set(['SLOErrorBudgetBurn', 'SLOIndicatorMissing', 'HTTPErrorRatioHigh', 'HTTPLatencyP99High', 'EventLoopLagHigh', 'ContainerRestarting', 'ServiceDown', 'SagaStuck']),
    );
    for (const alert of alerts) {
      expect(alert.annotations.runbook_url).toBe(`https://runbooks.example/shopwatch/${alert.alert}.md`);
    }
  });

  it("keeps a custom alert's own runbookUrl", () => {
    const resource = checkoutResource();
    const own = 'https://wiki.example/checkout/saga-stuck';
    resource.spec.alerts = [{ ...(resource.spec.alerts?.[0] as NonNullable<typeof resource.spec.alerts>[number]), runbookUrl: own }];
    const saga = alertsOf(resource).find((a) => a.alert === 'SagaStuck');
    expect(saga?.annotations.runbook_url).toBe(own);
    // ... and the generated alerts beside it still use the base URL.
    expect(alertsOf(resource).find((a) => a.alert === 'ServiceDown')?.annotations.runbook_url).toBe('https://runbooks.example/shopwatch/ServiceDown.md');
  });

  it('joins the base URL with exactly one slash and drops a fragment or query from it', () => {
    expect(runbookUrl('https://x.example/rb/', 'ServiceDown')).toBe('https://x.example/rb/ServiceDown.md');
    expect(runbookUrl('https://x.example/rb#old-anchor', 'ServiceDown')).toBe('https://x.example/rb/ServiceDown.md');
    expect(runbookUrl('https://x.example/rb?ref=main', 'ServiceDown')).toBe('https://x.example/rb/ServiceDown.md');
    expect(runbookUrl('https://x.example/rb', 'ServiceDown', 'https://own.example/page')).toBe('https://own.example/page');
  });
});
