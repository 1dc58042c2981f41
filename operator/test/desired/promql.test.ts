import { describe, expect, it } from 'vitest';
import { checkPanelExpr, checkPromQL, checkRuleExpr, checkSelector, substituteGrafanaVariables, withMatchers } from '../../src/desired/promql.ts';

describe('checkPromQL', () => {
  it('accepts valid expressions', () => {
    for (const ok of [
      'sum by (route) (rate(http_server_request_duration_seconds_count{status_code=~"5.."}[5m]))',
      'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 1',
      'max_over_time(rate(x[1m])[10m:1m])',
      'up == 0',
    ]) {
      expect(checkPromQL(ok), ok).toEqual({ ok: true });
    }
  });

  it('reports where a syntax error is', () => {
    expect(checkPromQL('sum(rate(x[5m])')).toEqual({ ok: false, error: 'unexpected end of expression' });
    expect(checkPromQL('foo bar')).toEqual({ ok: false, error: 'unexpected "bar" at character 5' });
    expect(checkPromQL('')).toEqual({ ok: false, error: 'empty expression' });
  });

  it('catches a range function applied to an instant vector', () => {
    const result = checkPromQL('sum(rate(http_requests_total))');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^rate\(\) needs a range vector/);
  });
});

describe('rule and selector shapes', () => {
  it('refuses a range vector as a rule expression', () => {
    expect(checkRuleExpr('x[5m]').ok).toBe(false);
    expect(checkRuleExpr('x > 1').ok).toBe(true);
  });

  it('accepts only plain selectors for ratio SLIs', () => {
    expect(checkSelector('shop_orders_total{outcome="ok"}').ok).toBe(true);
    expect(checkSelector('rate(shop_orders_total[5m])').ok).toBe(false);
    expect(checkSelector('shop_orders_total[5m]').ok).toBe(false);
  });
});

describe('Grafana variables', () => {
  it('substitutes variables outside strings so panel queries parse', () => {
    expect(substituteGrafanaVariables('rate(x{namespace=~"$namespace"}[$__rate_interval])')).toBe('rate(x{namespace=~"$namespace"}[5m])');
    expect(substituteGrafanaVariables('x > ${threshold}')).toBe('x > 1');
    expect(checkPanelExpr('sum(rate(x{namespace=~"$namespace"}[$__rate_interval])) offset $__interval').ok).toBe(true);
    expect(checkPanelExpr('sum(rate(x{namespace=~"$namespace"}[$__rate_interval])').ok).toBe(false);
  });
});

describe('withMatchers', () => {
  it('adds the scope matchers a selector lacks and keeps the ones it has', () => {
    expect(withMatchers('shop_orders_total', { namespace: 'shop', service: 'orders' })).toBe(
      'shop_orders_total{namespace="shop", service="orders"}',
    );
    expect(withMatchers('shop_orders_total{outcome!="timeout"}', { namespace: 'shop', service: 'orders' })).toBe(
      'shop_orders_total{outcome!="timeout", namespace="shop", service="orders"}',
    );
    expect(withMatchers('shop_orders_total{service="checkout",}', { namespace: 'shop', service: 'orders' })).toBe(
      'shop_orders_total{service="checkout", namespace="shop"}',
    );
    expect(checkSelector(withMatchers('{__name__="x"}', { namespace: 'a"b' })).ok).toBe(true);
  });
});
