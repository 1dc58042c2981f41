import { describe, expect, it } from 'vitest';
import { mergeOpenApi } from '../../src/domain/openapi-merge.ts';
import { SERVICES } from '../../src/domain/upstreams.ts';

const catalogDoc = {
  openapi: '3.1.0',
  paths: {
    '/products': {
      get: { tags: ['products'], responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Product' } } } } } },
      post: { tags: ['products'], operationId: 'createProduct' },
    },
    '/': { get: {} },
  },
  components: { schemas: { Product: { type: 'object' } } },
};

describe('mergeOpenApi', () => {
  const merged = mergeOpenApi(
    [
      { service: 'catalog', policy: SERVICES['catalog']!.policy, document: catalogDoc },
      { service: 'orders', policy: SERVICES['orders']!.policy, document: undefined },
    ],
    '1.2.3',
  ) as { paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, unknown> }; 'x-shopwatch-unavailable': string[]; info: { version: string } };

  it('prefixes paths, tags, operation ids and schema names with the service', () => {
    expect(Object.keys(merged.paths).sort()).toEqual(['/api/catalog', '/api/catalog/products']);
    expect(merged.paths['/api/catalog/products']!['get']!['tags']).toEqual(['catalog', 'catalog.products']);
    expect(merged.paths['/api/catalog/products']!['post']!['operationId']).toBe('catalog.createProduct');
    expect(merged.components.schemas).toHaveProperty('catalog_Product');
    expect(JSON.stringify(merged.paths)).toContain('#/components/schemas/catalog_Product');
    expect(JSON.stringify(merged.paths)).not.toContain('#/components/schemas/Product"');
  });

  it('writes the access policy onto operations', () => {
    expect(merged.paths['/api/catalog/products']!['get']!['x-shopwatch-access']).toBe('public');
    expect(merged.paths['/api/catalog/products']!['get']!['security']).toBeUndefined();
    expect(merged.paths['/api/catalog/products']!['post']!['security']).toEqual([{ bearer: [] }]);
  });

  it('lists upstreams whose document was missing', () => {
    expect(merged['x-shopwatch-unavailable']).toEqual(['orders']);
    expect(merged.info.version).toBe('1.2.3');
  });
});
