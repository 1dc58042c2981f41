import { ProblemError, type App, problemResponses } from '@shopwatch/platform';
import { quote } from '../domain/quotes.ts';
import { QuoteRequest, QuoteResponse } from '../schemas/quote.ts';
import type { ShippingContext } from './context.ts';

export function registerQuoteRoutes(app: App, ctx: ShippingContext): void {
  app.post(
    '/quotes',
    { schema: { tags: ['quotes'], summary: 'Shipping quotes for a destination and weight (public).', body: QuoteRequest, response: { 200: QuoteResponse, ...problemResponses(400, 422) } } },
    async (request) => {
      const { destination, weightGrams, method } = request.body;
      const result = quote(destination.country, weightGrams, method);
      if (!result.ok) {
        const field = result.reason === 'overweight' ? '/body/weightGrams' : '/body/destination/country';
        throw new ProblemError(422, result.reason.replaceAll('_', '-'), 'Unprocessable Content', result.detail, {
          errors: [{ field, message: result.detail }],
          extensions: { reason: result.reason },
        });
      }
      for (const q of result.quotes) ctx.metrics.quotes.inc({ method: q.method, zone: q.zone });
      const zone = result.quotes[0]!.zone;
      return {
        country: destination.country,
        zone,
        weightGrams,
        quotes: result.quotes.map((q) => ({ method: q.method, carrier: q.carrier, costCents: q.costCents, currency: q.currency, estimatedDays: q.estimatedDays })),
      };
    },
  );
}
