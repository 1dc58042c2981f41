// The shipment lifecycle, pure: pending → dispatched → in_transit → delivered, or cancelled while
// still pending. What a cancel finds, what the ticker does next, and the simulated durations.
export type ShipmentStatus = 'pending' | 'dispatched' | 'in_transit' | 'delivered' | 'cancelled';
export const SHIPMENT_STATUSES: readonly ShipmentStatus[] = ['pending', 'dispatched', 'in_transit', 'delivered', 'cancelled'];

export type CancelOutcome = 'cancelled' | 'already_cancelled' | 'already_dispatched';

/** A cancel (saga compensation or a cancelled order) only stops a shipment that has not left. */
export function cancelOutcome(status: ShipmentStatus): CancelOutcome {
  if (status === 'pending') return 'cancelled';
  if (status === 'cancelled') return 'already_cancelled';
  return 'already_dispatched';
}

/** The status the ticker moves a shipment to when its step is due; undefined when it is final. */
export function nextStatus(status: ShipmentStatus): ShipmentStatus | undefined {
  switch (status) {
    case 'pending':
      return 'dispatched';
    case 'dispatched':
      return 'in_transit';
    case 'in_transit':
      return 'delivered';
    default:
      return undefined;
  }
}

/** How long each stage takes in the simulation, before the method factor and jitter. */
export interface StageDurations {
  /** Order confirmed → dispatched (picking and packing). */
  dispatchMs: number;
  /** Dispatched → in transit (carrier pick-up). */
  inTransitMs: number;
  /** In transit → delivered. */
  deliverMs: number;
  /** Express stages take this share of the standard ones (e.g. 0.5). */
  expressFactor: number;
  /** Each actual stage takes between (1 - jitter) and (1 + jitter) times its nominal duration. */
  jitter: number;
}

/** The stage that starts when a shipment enters `status`, in ms, for `method`; `random` in [0, 1). */
export function stageDuration(status: 'pending' | 'dispatched' | 'in_transit', method: 'standard' | 'express', durations: StageDurations, random: number): number {
  const nominal = status === 'pending' ? durations.dispatchMs : status === 'dispatched' ? durations.inTransitMs : durations.deliverMs;
  const factor = method === 'express' ? durations.expressFactor : 1;
  const jitter = 1 + durations.jitter * (2 * random - 1);
  return Math.max(0, Math.round(nominal * factor * jitter));
}

/**
 * The promised delivery time given at creation: every stage at its nominal length plus a slack
 * for the time until the order is confirmed, so most (not all: see jitter) shipments arrive on time.
 */
export function estimatedDeliveryAt(createdAt: Date, method: 'standard' | 'express', durations: StageDurations, confirmationSlackMs: number): Date {
  const factor = method === 'express' ? durations.expressFactor : 1;
  const total = (durations.dispatchMs + durations.inTransitMs + durations.deliverMs) * factor * (1 + durations.jitter / 2);
  return new Date(createdAt.getTime() + Math.round(total) + confirmationSlackMs);
}
