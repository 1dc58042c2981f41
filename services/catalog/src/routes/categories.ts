import { problems, requireAuth, type App, problemResponses } from '@shopwatch/platform';
import { Type } from 'typebox';
import * as repo from '../plugins/catalog-repository.ts';
import { Category, CategoryCreate, CategoryList, CategoryUpdate } from '../schemas/category.ts';
import { IdParams } from '../schemas/common.ts';
import type { CatalogContext } from './context.ts';
import { mapWriteError } from './errors.ts';

export function registerCategoryRoutes(app: App, ctx: CatalogContext): void {
  const admin = requireAuth(ctx.jwt, 'admin');
  const tags = ['categories'];

  app.get('/categories', { schema: { tags, response: { 200: CategoryList } } }, async () => ({ items: await repo.listCategories(ctx.pool) }));

  app.get('/categories/:id', { schema: { tags, params: IdParams, response: { 200: Category, ...problemResponses(404) } } }, async (request) => {
    const category = await repo.getCategory(ctx.pool, request.params.id);
    if (!category) throw problems.notFound(`Category ${request.params.id}`);
    return category;
  });

  app.post(
    '/categories',
    { onRequest: admin, schema: { tags, body: CategoryCreate, response: { 201: Category, ...problemResponses(400, 401, 403, 409) } } },
    async (request, reply) => {
      const category = await repo.createCategory(ctx.pool, request.body).catch(mapWriteError);
      return reply.code(201).header('location', `/categories/${category.id}`).send(category);
    },
  );

  app.patch(
    '/categories/:id',
    { onRequest: admin, schema: { tags, params: IdParams, body: CategoryUpdate, response: { 200: Category, ...problemResponses(400, 401, 403, 404) } } },
    async (request) => {
      const category = await repo.updateCategory(ctx.pool, request.params.id, request.body).catch(mapWriteError);
      if (!category) throw problems.notFound(`Category ${request.params.id}`);
      return category;
    },
  );

  app.delete(
    '/categories/:id',
    { onRequest: admin, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) } } },
    async (request, reply) => {
      const outcome = await repo.deleteCategory(ctx.pool, request.params.id);
      if (outcome === 'missing') throw problems.notFound(`Category ${request.params.id}`);
      if (outcome === 'in-use') throw problems.conflict('The category still has products; move or delete them first.');
      return reply.code(204).send(null);
    },
  );
}
