// The drill's invariants as a pure function over what the services' own stores hold at the end
// (orders, inventory, payments, shipping, and psp's ledger), the stock before and after and the dead
// letters of the shop's consumer groups. Each broken rule is one line naming the order and what
// was found, so a failed drill says what to look at.

export interface Line {
  productId: string;
  quantity: number;
}

export interface OrderRow {
  id: string;
  status: string;
  reason: string | null;
  lines: Line[];
}

export interface ReservationRow {
  orderId: string;
  status: string;
  items: Line[];
}

export interface PaymentRow {
  orderId: string | null;
  status: string;
}

/** One authorisation in psp's ledger; payments gives the order id as its reference. */
export interface PspAuthorizationRow {
  id: string;
  reference: string | null;
  status: string;
}

export interface ShipmentRow {
  orderId: string;
  status: string;
}

export interface DeadLetter {
  group: string;
  topic: string;
  reason: string;
}

export interface DrillSnapshot {
  /** Ids the gateway answered 202 for. */
  accepted: readonly string[];
  orders: readonly OrderRow[];
  reservations: readonly ReservationRow[];
  payments: readonly PaymentRow[];
  shipments: readonly ShipmentRow[];
  /** On-hand units per product before the first order and after the drain. */
  onHandBefore: ReadonlyMap<string, number>;
  onHandAfter: ReadonlyMap<string, number>;
  reservedAfter: ReadonlyMap<string, number>;
  /** Every authorisation in psp's ledger (its database outlives its processes, so all of them). */
  pspAuthorizations: readonly PspAuthorizationRow[];
  deadLetters: readonly DeadLetter[];
}

export interface DrillCounts {
  accepted: number;
  confirmed: number;
  cancelled: Record<string, number>;
}

/** Payment states in which money is held or taken: a cancelled order must have none of them. */
const HOLDING = new Set(['pending', 'authorized', 'captured']);

function groupBy<T>(rows: readonly T[], key: (row: T) => string | null): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (k === null) continue;
    map.set(k, [...(map.get(k) ?? []), row]);
  }
  return map;
}

function sameLines(a: readonly Line[], b: readonly Line[]): boolean {
  const norm = (lines: readonly Line[]) =>
    lines
      .map((l) => `${l.productId}:${l.quantity}`)
      .sort()
      .join(',');
  return norm(a) === norm(b);
}

export function countOrders(snapshot: DrillSnapshot): DrillCounts {
  const accepted = new Set(snapshot.accepted);
  const cancelled: Record<string, number> = {};
  let confirmed = 0;
  for (const order of snapshot.orders) {
    if (!accepted.has(order.id)) continue;
    if (order.status === 'confirmed') confirmed += 1;
    if (order.status === 'cancelled') cancelled[order.reason ?? 'unknown'] = (cancelled[order.reason ?? 'unknown'] ?? 0) + 1;
  }
  return { accepted: accepted.size, confirmed, cancelled };
}

export function checkInvariants(snapshot: DrillSnapshot): string[] {
  const violations: string[] = [];
  const orders = new Map(snapshot.orders.map((o) => [o.id, o]));
  const reservations = groupBy(snapshot.reservations, (r) => r.orderId);
  const payments = groupBy(snapshot.payments, (p) => p.orderId);
  const shipments = groupBy(snapshot.shipments, (s) => s.orderId);

  for (const id of snapshot.accepted) if (!orders.has(id)) violations.push(`order ${id}: accepted (202) but not in orders' store`);

  const confirmedUnits = new Map<string, number>();
  for (const order of snapshot.orders) {
    const res = reservations.get(order.id) ?? [];
    const pays = payments.get(order.id) ?? [];
    const ships = shipments.get(order.id) ?? [];
    const what = () =>
      `reservations=[${res.map((r) => r.status).join(',')}] payments=[${pays.map((p) => p.status).join(',')}] shipments=[${ships.map((s) => s.status).join(',')}]`;
    if (order.status === 'confirmed') {
      for (const line of order.lines) confirmedUnits.set(line.productId, (confirmedUnits.get(line.productId) ?? 0) + line.quantity);
      const committed = res.filter((r) => r.status === 'committed');
      const captured = pays.filter((p) => p.status === 'captured');
      const live = ships.filter((s) => s.status !== 'cancelled');
      if (committed.length !== 1 || res.length !== 1) violations.push(`order ${order.id} confirmed: not exactly one committed reservation; ${what()}`);
      else if (!sameLines(committed[0]!.items, order.lines)) violations.push(`order ${order.id} confirmed: reservation items differ from the order lines`);
      if (captured.length !== 1) violations.push(`order ${order.id} confirmed: not exactly one captured payment; ${what()}`);
      if (pays.some((p) => p.status === 'authorized' || p.status === 'pending')) violations.push(`order ${order.id} confirmed: another payment still holds money; ${what()}`);
      if (live.length !== 1) violations.push(`order ${order.id} confirmed: not exactly one shipment; ${what()}`);
    } else if (order.status === 'cancelled') {
      if (res.some((r) => r.status !== 'released')) violations.push(`order ${order.id} cancelled (${order.reason}): stock still held or taken; ${what()}`);
      if (pays.some((p) => HOLDING.has(p.status))) violations.push(`order ${order.id} cancelled (${order.reason}): payment holds money; ${what()}`);
      if (ships.some((s) => s.status !== 'cancelled')) violations.push(`order ${order.id} cancelled (${order.reason}): shipment not cancelled; ${what()}`);
    } else {
      violations.push(`order ${order.id}: not terminal (${order.status})`);
    }
  }

  for (const [orderId] of reservations) if (!orders.has(orderId)) violations.push(`reservation for ${orderId}: no such order`);
  for (const [orderId] of payments) if (!orders.has(orderId)) violations.push(`payment for ${orderId}: no such order`);
  for (const [orderId] of shipments) if (!orders.has(orderId)) violations.push(`shipment for ${orderId}: no such order`);
  if (snapshot.payments.some((p) => p.orderId === null)) violations.push('a payment without an order id');

  const products = new Set([...snapshot.onHandBefore.keys(), ...confirmedUnits.keys()]);
  for (const product of products) {
    const moved = (snapshot.onHandBefore.get(product) ?? 0) - (snapshot.onHandAfter.get(product) ?? 0);
    const units = confirmedUnits.get(product) ?? 0;
    if (moved !== units) violations.push(`product ${product}: on hand moved by ${moved}, confirmed orders account for ${units}`);
    const reserved = snapshot.reservedAfter.get(product) ?? 0;
    if (reserved !== 0) violations.push(`product ${product}: ${reserved} units still reserved after the drain`);
  }

  violations.push(...checkCardSide(snapshot, orders));

  for (const letter of snapshot.deadLetters) violations.push(`dead letter from ${letter.group} on ${letter.topic}: ${letter.reason}`);
  return violations;
}

/**
 * The card's side, from psp's ledger: what the customer's bank would see. Once every order is
 * terminal no authorisation may still hold money (a hold payments lost or gave up on), money is
 * taken only for confirmed orders and exactly once each, and nothing is held for an order the shop
 * does not have.
 */
function checkCardSide(snapshot: DrillSnapshot, orders: ReadonlyMap<string, OrderRow>): string[] {
  const violations: string[] = [];
  const byOrder = groupBy(snapshot.pspAuthorizations, (a) => a.reference);
  for (const authorization of snapshot.pspAuthorizations) {
    const order = authorization.reference === null ? undefined : orders.get(authorization.reference);
    const holds = authorization.status === 'authorized' || authorization.status === 'captured';
    if (!order) {
      if (holds) violations.push(`psp authorisation ${authorization.id} (${authorization.status}, reference ${authorization.reference}): no such order`);
      continue;
    }
    if (authorization.status === 'authorized') violations.push(`order ${order.id} ${order.status}: psp authorisation ${authorization.id} still holds money on the card`);
    if (authorization.status === 'captured' && order.status !== 'confirmed') violations.push(`order ${order.id} ${order.status} (${order.reason}): psp captured ${authorization.id}`);
  }
  for (const order of orders.values()) {
    if (order.status !== 'confirmed') continue;
    const captured = (byOrder.get(order.id) ?? []).filter((a) => a.status === 'captured');
    if (captured.length !== 1) violations.push(`order ${order.id} confirmed: psp captured ${captured.length} authorisations for it, not one`);
  }
  return violations;
}
