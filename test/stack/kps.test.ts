// The selector derivation the stack test relies on, against kube-prometheus-stack 88.5.3's own
// default values and against hand-written values for the other branches of its template.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KPS_VALUES_FILE, prometheusSelectors, prometheusVersion, readKpsDefaults } from './support/kps.ts';

const haveReference = existsSync(KPS_VALUES_FILE);
if (!haveReference) console.warn(`${KPS_VALUES_FILE} is absent (a clone without the reference data): skipping`);

describe.skipIf(!haveReference)('kube-prometheus-stack 88.5.3 defaults', () => {
  it('select every kind by `release: <release>` in every namespace', () => {
    const selectors = prometheusSelectors(readKpsDefaults().prometheusSpec, 'shop');
    const byRelease = { matchLabels: { release: 'shop' } };
    expect(selectors).toEqual({
      serviceMonitorSelector: byRelease,
      serviceMonitorNamespaceSelector: {},
      podMonitorSelector: byRelease,
      podMonitorNamespaceSelector: {},
      probeSelector: byRelease,
      probeNamespaceSelector: {},
      ruleSelector: byRelease,
      ruleNamespaceSelector: {},
      scrapeConfigSelector: byRelease,
      scrapeConfigNamespaceSelector: {},
    });
  });

  it('run Prometheus v3.14.0', () => {
    expect(prometheusVersion(readKpsDefaults().prometheusSpec)).toBe('v3.14.0');
  });
});

describe('prometheusSelectors, the other branches of the template', () => {
  it('a selector that is set wins; NilUsesHelmValues false selects everything; namespace selectors pass through', () => {
    const selectors = prometheusSelectors(
      {
        serviceMonitorSelector: { matchLabels: { team: 'shop' } },
        serviceMonitorSelectorNilUsesHelmValues: true,
        ruleSelector: {},
        ruleSelectorNilUsesHelmValues: false,
        ruleNamespaceSelector: { matchLabels: { monitored: 'yes' } },
        podMonitorSelector: null,
        podMonitorSelectorNilUsesHelmValues: true,
      },
      'r',
    );
    expect(selectors.serviceMonitorSelector).toEqual({ matchLabels: { team: 'shop' } });
    expect(selectors.ruleSelector).toEqual({});
    expect(selectors.ruleNamespaceSelector).toEqual({ matchLabels: { monitored: 'yes' } });
    expect(selectors.podMonitorSelector).toEqual({ matchLabels: { release: 'r' } });
    expect(selectors.probeSelector).toEqual({});
  });
});
