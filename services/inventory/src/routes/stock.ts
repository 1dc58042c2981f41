import { ProblemError, problems, requireAuth, sqlState, withTransaction, type App, problemResponses } from '@shopwatch/platform';
import * as store from '../plugins/stock-store.ts';
import { ProductIdParams, Restock, Stock, StockBatch, StockBatchQuery, StockCount } from '../schemas/stock.ts';
import type { InventoryContext } from './context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function registerStockRoutes(app: App, ctx: InventoryContext): void {
  const admin = requireAuth(ctx.jwt, 'admin');
  const tags = ['stock'];

  app.get('/stock/:productId', { schema: { tags, params: ProductIdParams, response: { 200: Stock, ...problemResponses(400, 404) } } }, async (request) => {
    const stock = await store.getStock(ctx.pool, request.params.productId, ctx.defaultThreshold);
    if (!stock) throw problems.notFound(`Stock of product ${request.params.productId}`);
    return stock;
  });

  app.get('/stock', { schema: { tags, querystring: StockBatchQuery, response: { 200: StockBatch, ...problemResponses(400) } } }, async (request) => {
    const ids = [...new Set(request.query.productIds.toLowerCase().split(','))];
    const bad = ids.findIndex((id) => !UUID.test(id));
    if (bad >= 0) throw problems.validation([{ field: '/querystring/productIds', message: `item ${bad + 1} is not a UUID` }]);
    const items = await store.getStocks(ctx.pool, ids, ctx.defaultThreshold);
    const known = new Set(items.map((item) => item.productId));
    return { items, unknown: ids.filter((id) => !known.has(id)) };
  });

  app.put(
    '/stock/:productId',
    { onRequest: admin, schema: { tags, params: ProductIdParams, body: StockCount, response: { 200: Stock, ...problemResponses(400, 401, 403, 409) } } },
    async (request) => {
      const { onHand, lowStockThreshold } = request.body;
      const outcome = await withTransaction(ctx.pool, (client) => ctx.operations.countStock(client, { productId: request.params.productId, onHand, lowStockThreshold }));
      if (outcome.status === 'below-reserved') {
        throw new ProblemError(409, 'below-reserved', 'Conflict', `${outcome.reserved} units are reserved for orders; on-hand stock cannot be set below that.`, {
          errors: [{ field: '/body/onHand', message: `is below the ${outcome.reserved} reserved units` }],
          extensions: { reserved: outcome.reserved },
        });
      }
      return outcome.stock;
    },
  );

  app.post(
    '/stock/:productId/restock',
    { onRequest: admin, schema: { tags, params: ProductIdParams, body: Restock, response: { 200: Stock, ...problemResponses(400, 401, 403, 422) } } },
    async (request) => {
      const { quantity, lowStockThreshold } = request.body;
      try {
        const stock = await withTransaction(ctx.pool, (client) =>
          store.restock(client, request.params.productId, quantity, lowStockThreshold, ctx.defaultThreshold, ctx.now()),
        );
        ctx.metrics.unitsRestocked.inc({ source: 'admin' }, quantity);
        return stock;
      } catch (error) {
        // The stock_on_hand_bounded constraint: the total would pass the per-product maximum.
        if (sqlState(error) === '23514') {
          throw new ProblemError(422, 'stock-limit', 'Unprocessable Content', 'The restock would exceed the maximum units on hand for one product (1,000,000,000).', {
            errors: [{ field: '/body/quantity', message: 'makes on-hand stock exceed its maximum' }],
          });
        }
        throw error;
      }
    },
  );
}
