// Notification history. Shoppers see their own (the JWT subject); admins any user's, or everyone's.
import { problems, requireAuth, type App, type JwtSettings, type Pool, decodeKeysetCursor, encodeKeysetCursor, problemResponses } from '@shopwatch/platform';
import { listNotifications, type NotificationRecord } from '../plugins/notification-store.ts';
import { ListQuery, NotificationPage, type NotificationView } from '../schemas/notification.ts';

function view(n: NotificationRecord): NotificationView {
  return {
    id: n.id,
    eventId: n.eventId,
    eventType: n.eventType,
    template: n.template,
    channel: n.channel,
    orderId: n.orderId,
    userId: n.userId,
    status: n.status,
    attempts: n.attempts,
    failureReason: n.failureReason,
    lastError: n.lastError,
    message: n.message,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    sentAt: n.sentAt?.toISOString() ?? null,
    nextAttemptAt: n.status === 'pending' ? (n.nextAttemptAt?.toISOString() ?? null) : null,
  };
}

export function registerNotificationRoutes(app: App, ctx: { pool: Pool; jwt: JwtSettings }): void {
  app.get(
    '/notifications',
    {
      onRequest: requireAuth(ctx.jwt),
      schema: {
        tags: ['notifications'],
        summary: 'Notification history, newest first, in keyset pages (shoppers: their own; admins: anyone).',
        querystring: ListQuery,
        response: { 200: NotificationPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (!principal) throw problems.unauthorized();
      const { userId, orderId, channel, status, limit, cursor } = request.query;
      if (principal.role !== 'admin' && userId !== undefined && userId !== principal.subject) {
        throw problems.forbidden("Only admins may read another user's notifications.");
      }
      const forUser = principal.role === 'admin' ? userId : principal.subject;
      const position = cursor === undefined ? undefined : decodeKeysetCursor(cursor);
      const after = position && { createdAt: new Date(position.createdAt), id: position.id };
      if (cursor !== undefined && !position) throw problems.validation([{ field: '/querystring/cursor', message: 'is not a cursor this list handed out' }]);
      const rows = await listNotifications(ctx.pool, {
        limit: limit + 1,
        ...(forUser !== undefined ? { userId: forUser } : {}),
        ...(orderId ? { orderId } : {}),
        ...(channel ? { channel } : {}),
        ...(status ? { status } : {}),
        ...(after ? { after } : {}),
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items: items.map(view), nextCursor: rows.length > limit && last ? encodeKeysetCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null };
    },
  );
}
