// The baseline: a bare Fastify route doing the same PostgreSQL lookup as catalog's
// GET /products/:id, with none of the kit (no validation, metrics, logging, tracing, cache).
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'], max: 10 });
const app = Fastify();
app.get<{ Params: { id: string } }>('/products/:id', async (request, reply) => {
  const { rows } = await pool.query(
    `SELECT p.id, p.sku, p.name, p.description, p.category_id, c.slug AS category_slug, p.price_cents, p.currency,
            p.tags, p.image_url, p.active, p.version, p.created_at, p.updated_at
     FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = $1`,
    [request.params.id],
  );
  if (!rows[0]) return reply.code(404).send({ error: 'not found' });
  return rows[0] as unknown;
});
app.get('/readyz', async () => ({ ok: true }));
process.once('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT']) });
