import { Counter, type Registry } from 'prom-client';

/** What the static route answered: a page (index.html), an asset, or nothing. */
export type ResponseKind = 'page' | 'asset' | 'not_found' | 'bad_request';

export interface StorefrontMetrics {
  responses: Counter<'kind'>;
}

export function createStorefrontMetrics(registry: Registry): StorefrontMetrics {
  return {
    responses: new Counter({
      name: 'shop_storefront_responses_total',
      help: 'Answers of the storefront by kind: page (the app shell), asset, not_found, bad_request.',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
