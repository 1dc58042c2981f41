// Shared inputs for the builder tests: one realistic resource and the operator settings.
import type { ServiceObservability } from '../../src/api/v1alpha1.ts';
import type { OperatorSettings } from '../../src/desired/contract.ts';

export const settings: OperatorSettings = {
  defaultRelease: 'kube-prometheus-stack',
  dashboardLabel: 'grafana_dashboard',
  folderAnnotation: 'grafana_folder',
  grafanaUrl: 'http://grafana.example',
  runbookBaseUrl: 'https://runbooks.example/shopwatch',
};

export function checkoutResource(): ServiceObservability {
  return {
    apiVersion: 'observability.shopwatch.dev/v1alpha1',
    kind: 'ServiceObservability',
    metadata: { name: 'orders', namespace: 'shop', uid: '0b7c2f1e-1111-4c6a-9a7e-2b8f3c4d5e6f', generation: 3 },
    spec: {
      service: {
        name: 'orders',
        selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } },
        metrics: { port: 'http', path: '/metrics', interval: '15s' },
      },
      slos: [
        { name: 'availability', objective: '99.5', window: '30d', availability: {} },
        { name: 'latency', objective: '99', window: '28d', latency: { thresholdSeconds: '0.3', routes: '/api/orders.*' } },
        {
          name: 'saga-completion',
          description: 'Orders that reach a terminal state other than timed out',
          objective: '99.9',
          window: '30d',
          ratio: {
            good: 'shop_orders_completed_total{outcome!="timeout"}',
            total: 'shop_orders_completed_total',
          },
        },
      ],
      dashboard: {
        folder: 'Shop',
        title: 'Orders',
        marketing: [
          {
            title: 'Checkouts started',
            expr: 'sum(rate(shop_checkouts_started_total{namespace=~"$namespace"}[$__rate_interval]))',
            unit: 'reqps',
            visualisation: 'timeseries',
          },
        ],
        business: [
          {
            title: 'Orders by outcome',
            expr: 'sum by (outcome) (rate(shop_orders_completed_total{namespace=~"$namespace"}[$__rate_interval]))',
            unit: 'short',
            legend: '{{outcome}}',
          },
          {
            title: 'Revenue (1h)',
            expr: 'sum(increase(shop_order_revenue_euros_total{namespace=~"$namespace"}[1h]))',
            unit: 'currencyEUR',
            visualisation: 'stat',
          },
        ],
        links: [{ title: 'Runbook', url: 'https://runbooks.example/shopwatch/orders' }],
      },
      alerts: [
        {
          name: 'SagaStuck',
          expr: 'sum(shop_saga_in_flight{service="orders"}) > 100',
          for: '10m',
          severity: 'warning',
          summary: 'Many checkout sagas in flight',
          description: 'More than 100 sagas have been in flight for 10 minutes.',
        },
      ],
      output: { labels: { team: 'checkout' } },
    },
  };
}
