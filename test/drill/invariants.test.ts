// The drill's invariant checker on hand-made stores: a clean end passes, and each rule the drill
// relies on fails when its store says otherwise (a checker that cannot fail would prove nothing).
import { describe, expect, it } from 'vitest';
import { checkInvariants, countOrders, type DrillSnapshot } from './invariants.ts';

const P = '00000000-0000-4000-8000-000000000001';

function clean(): DrillSnapshot {
  return {
    accepted: ['o1', 'o2'],
    orders: [
      { id: 'o1', status: 'confirmed', reason: null, lines: [{ productId: P, quantity: 2 }] },
      { id: 'o2', status: 'cancelled', reason: 'card_declined', lines: [{ productId: P, quantity: 1 }] },
    ],
    reservations: [
      { orderId: 'o1', status: 'committed', items: [{ productId: P, quantity: 2 }] },
      { orderId: 'o2', status: 'released', items: [{ productId: P, quantity: 1 }] },
    ],
    payments: [
      { orderId: 'o1', status: 'captured' },
      { orderId: 'o2', status: 'declined' },
    ],
    shipments: [{ orderId: 'o1', status: 'pending' }],
    onHandBefore: new Map([[P, 10]]),
    onHandAfter: new Map([[P, 8]]),
    reservedAfter: new Map([[P, 0]]),
    pspAuthorizations: [
      { id: 'a1', reference: 'o1', status: 'captured' },
      { id: 'a2', reference: 'o2', status: 'declined' },
    ],
    deadLetters: [],
  };
}

describe('checkInvariants', () => {
  it('passes a clean end and counts outcomes by reason', () => {
    expect(checkInvariants(clean())).toEqual([]);
    expect(countOrders(clean())).toEqual({ accepted: 2, confirmed: 1, cancelled: { card_declined: 1 } });
  });

  const broken: [string, (s: DrillSnapshot) => DrillSnapshot, RegExp][] = [
    ['an accepted order missing from the store', (s) => ({ ...s, accepted: [...s.accepted, 'o3'] }), /o3: accepted \(202\) but not in orders' store/],
    ['an order left pending', (s) => ({ ...s, orders: s.orders.map((o) => (o.id === 'o2' ? { ...o, status: 'pending' } : o)) }), /o2: not terminal/],
    ['a confirmed order with two captures', (s) => ({ ...s, payments: [...s.payments, { orderId: 'o1', status: 'captured' }] }), /o1 confirmed: not exactly one captured payment/],
    ['a confirmed order without a shipment', (s) => ({ ...s, shipments: [] }), /o1 confirmed: not exactly one shipment/],
    ['a confirmed order whose reservation is released', (s) => ({ ...s, reservations: s.reservations.map((r) => (r.orderId === 'o1' ? { ...r, status: 'released' } : r)) }), /o1 confirmed: not exactly one committed reservation/],
    ['a cancelled order with a captured payment', (s) => ({ ...s, payments: [...s.payments, { orderId: 'o2', status: 'captured' }] }), /o2 cancelled \(card_declined\): payment holds money/],
    ['a cancelled order with committed stock', (s) => ({ ...s, reservations: s.reservations.map((r) => (r.orderId === 'o2' ? { ...r, status: 'committed' } : r)) }), /o2 cancelled .*stock still held or taken/],
    ['a cancelled order with a live shipment', (s) => ({ ...s, shipments: [...s.shipments, { orderId: 'o2', status: 'pending' }] }), /o2 cancelled .*shipment not cancelled/],
    ['stock moved by more than the confirmed units', (s) => ({ ...s, onHandAfter: new Map([[P, 7]]) }), /on hand moved by 3, confirmed orders account for 2/],
    ['stock still reserved', (s) => ({ ...s, reservedAfter: new Map([[P, 1]]) }), /1 units still reserved/],
    ['a payment for an unknown order', (s) => ({ ...s, payments: [...s.payments, { orderId: 'ghost', status: 'voided' }] }), /payment for ghost: no such order/],
    ['a hold left on a card', (s) => ({ ...s, pspAuthorizations: [...s.pspAuthorizations, { id: 'a3', reference: 'o2', status: 'authorized' }] }), /order o2 cancelled: psp authorisation a3 still holds money/],
    ['money taken for a cancelled order', (s) => ({ ...s, pspAuthorizations: [...s.pspAuthorizations, { id: 'a3', reference: 'o2', status: 'captured' }] }), /order o2 cancelled \(card_declined\): psp captured a3/],
    ['a confirmed order captured twice at psp', (s) => ({ ...s, pspAuthorizations: [...s.pspAuthorizations, { id: 'a3', reference: 'o1', status: 'captured' }] }), /order o1 confirmed: psp captured 2 authorisations/],
    ['a confirmed order never captured at psp', (s) => ({ ...s, pspAuthorizations: s.pspAuthorizations.filter((a) => a.id !== 'a1') }), /order o1 confirmed: psp captured 0 authorisations/],
    ['a psp hold for no order', (s) => ({ ...s, pspAuthorizations: [...s.pspAuthorizations, { id: 'a3', reference: 'ghost', status: 'authorized' }] }), /psp authorisation a3 \(authorized, reference ghost\): no such order/],
    ['a dead letter from the shop', (s) => ({ ...s, deadLetters: [{ group: 'g-orders', topic: 't', reason: 'retries-exhausted' }] }), /dead letter from g-orders on t: retries-exhausted/],
  ];
  it.each(broken)('reports %s', (_name, breakIt, message) => {
    const violations = checkInvariants(breakIt(clean()));
    expect(violations.some((v) => message.test(v)), violations.join('\n')).toBe(true);
  });
});
