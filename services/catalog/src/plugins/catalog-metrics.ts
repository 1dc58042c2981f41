// Catalog's business metrics (documented in the README). Labels stay bounded: `category` is an
// admin-curated slug; outcomes are fixed words.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CatalogMetrics {
  productViews: Counter<'category'>;
  searches: Counter<'outcome'>;
  zeroResultSearches: Counter;
  searchDuration: Histogram;
  viewsBuffered: Gauge;
}

export function createCatalogMetrics(registry: Registry): CatalogMetrics {
  return {
    productViews: new Counter({
      name: 'shop_catalog_product_views_total',
      help: 'Product detail views, by category slug.',
      labelNames: ['category'] as const,
      registers: [registry],
    }),
    searches: new Counter({
      name: 'shop_catalog_searches_total',
      help: 'Searches, by outcome (results or zero_results).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    zeroResultSearches: new Counter({
      name: 'shop_catalog_zero_result_searches_total',
      help: 'Searches that matched nothing: demand the catalogue does not meet.',
      registers: [registry],
    }),
    searchDuration: new Histogram({
      name: 'shop_catalog_search_duration_seconds',
      help: 'Time to answer a search, database included.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    viewsBuffered: new Gauge({
      name: 'shop_catalog_view_events_buffered',
      help: 'Product-view events waiting to be written to the outbox.',
      registers: [registry],
    }),
  };
}
