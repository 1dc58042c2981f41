// Support's SQL. Functions take a pool or a transaction client; rows become API shapes here.
import type { Pool, PoolClient } from '@shopwatch/platform';
import type { Actor, TicketCategory, TicketStatus } from '../domain/ticket.ts';
import type { Message, Ticket } from '../schemas/ticket.ts';

type Db = Pool | PoolClient;

interface TicketRow {
  id: string;
  user_id: string;
  subject: string;
  category: TicketCategory;
  order_id: string | null;
  status: TicketStatus;
  assignee_id: string | null;
  created_at: Date;
  updated_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  reopened_count: number;
  rating: number | null;
  rating_comment: string | null;
  rated_at: Date | null;
}

interface MessageRow {
  id: string;
  author_id: string;
  author_role: Actor;
  body: string;
  created_at: Date;
}

export interface StoredTicket {
  ticket: Ticket;
  createdAt: Date;
  firstResponseAt: Date | null;
  resolvedAt: Date | null;
  rated: boolean;
}

const COLUMNS = `id, user_id, subject, category, order_id, status, assignee_id, created_at, updated_at, first_response_at,
  resolved_at, reopened_count, rating, rating_comment, rated_at`;

function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    userId: row.user_id,
    subject: row.subject,
    category: row.category,
    orderId: row.order_id,
    status: row.status,
    assigneeId: row.assignee_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    firstResponseAt: row.first_response_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    reopenedCount: row.reopened_count,
    rating: row.rating !== null && row.rated_at !== null ? { score: row.rating, comment: row.rating_comment, ratedAt: row.rated_at.toISOString() } : null,
  };
}

function toStored(row: TicketRow): StoredTicket {
  return { ticket: toTicket(row), createdAt: row.created_at, firstResponseAt: row.first_response_at, resolvedAt: row.resolved_at, rated: row.rating !== null };
}

function toMessage(row: MessageRow): Message {
  return { id: row.id, authorId: row.author_id, authorRole: row.author_role, body: row.body, createdAt: row.created_at.toISOString() };
}

export async function insertTicket(
  client: PoolClient,
  input: { userId: string; subject: string; category: TicketCategory; orderId: string | null; now: Date },
): Promise<Ticket> {
  const { rows } = await client.query<TicketRow>(
    `INSERT INTO support_tickets (user_id, subject, category, order_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${COLUMNS}`,
    [input.userId, input.subject, input.category, input.orderId, input.now],
  );
  return toTicket(rows[0]!);
}

export async function insertMessage(client: PoolClient, input: { ticketId: string; authorId: string; authorRole: Actor; body: string; now: Date }): Promise<Message> {
  const { rows } = await client.query<MessageRow>(
    `INSERT INTO support_messages (ticket_id, author_id, author_role, body, created_at) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, author_id, author_role, body, created_at`,
    [input.ticketId, input.authorId, input.authorRole, input.body, input.now],
  );
  return toMessage(rows[0]!);
}

/** The ticket, locked for the rest of the transaction when `lock` is set (one writer per ticket). */
export async function findTicket(db: Db, id: string, lock = false): Promise<StoredTicket | undefined> {
  const { rows } = await db.query<TicketRow>(`SELECT ${COLUMNS} FROM support_tickets WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toStored(rows[0]) : undefined;
}

export async function listMessages(db: Db, ticketId: string): Promise<Message[]> {
  const { rows } = await db.query<MessageRow>(
    'SELECT id, author_id, author_role, body, created_at FROM support_messages WHERE ticket_id = $1 ORDER BY created_at, id',
    [ticketId],
  );
  return rows.map(toMessage);
}

export async function listTickets(db: Db, filter: { userId?: string | undefined; status?: TicketStatus | undefined; limit: number; offset: number }): Promise<{ items: Ticket[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.userId !== undefined) where.push(`user_id = $${params.push(filter.userId)}`);
  if (filter.status !== undefined) where.push(`status = $${params.push(filter.status)}`);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [page, count] = await Promise.all([
    db.query<TicketRow>(`SELECT ${COLUMNS} FROM support_tickets ${clause} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      filter.limit,
      filter.offset,
    ]),
    db.query<{ n: string }>(`SELECT count(*) AS n FROM support_tickets ${clause}`, params),
  ]);
  return { items: page.rows.map(toTicket), total: Number(count.rows[0]?.n ?? 0) };
}

export interface TicketChange {
  status: TicketStatus;
  now: Date;
  firstResponse?: boolean;
  resolved?: boolean;
  reopened?: boolean;
  assigneeId?: string;
  rating?: { score: number; comment: string | null };
}

export async function updateTicket(client: PoolClient, id: string, change: TicketChange): Promise<Ticket> {
  const { rows } = await client.query<TicketRow>(
    `UPDATE support_tickets SET
       status = $2,
       updated_at = $3,
       first_response_at = CASE WHEN $4::boolean THEN coalesce(first_response_at, $3) ELSE first_response_at END,
       resolved_at = CASE WHEN $5::boolean THEN $3 WHEN $6::boolean THEN NULL ELSE resolved_at END,
       reopened_count = reopened_count + CASE WHEN $6::boolean THEN 1 ELSE 0 END,
       assignee_id = coalesce($7, assignee_id),
       rating = coalesce($8, rating),
       rating_comment = CASE WHEN $8::smallint IS NULL THEN rating_comment ELSE $9 END,
       rated_at = CASE WHEN $8::smallint IS NULL THEN rated_at ELSE $3 END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      change.status,
      change.now,
      change.firstResponse ?? false,
      change.resolved ?? false,
      change.reopened ?? false,
      change.assigneeId ?? null,
      change.rating?.score ?? null,
      change.rating?.comment ?? null,
    ],
  );
  return toTicket(rows[0]!);
}

/** Tickets not resolved, by status (for the open-tickets gauge): one indexed GROUP BY. */
export async function countUnresolved(db: Db): Promise<Record<'open' | 'answered', number>> {
  const { rows } = await db.query<{ status: 'open' | 'answered'; n: string }>(
    "SELECT status, count(*) AS n FROM support_tickets WHERE status IN ('open', 'answered') GROUP BY status",
  );
  const counts = { open: 0, answered: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
