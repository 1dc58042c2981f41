// What a scenario gets to work with. Scenarios are small async functions over this context; they
// never see timers, metrics or the HTTP pool directly.
import type { Catalogue } from '../domain/catalogue.ts';
import type { ScenarioName } from '../domain/mix.ts';
import type { Random } from '../domain/random.ts';
import type { Answer, RequestSpec } from '../plugins/gateway-client.ts';
import type { OrderResult } from '../plugins/loadgen-metrics.ts';
import type { SignedInShopper } from '../plugins/shoppers.ts';

export type AnalyticsEventType = 'page_view' | 'product_view' | 'search' | 'add_to_cart' | 'checkout_started' | 'purchase_completed' | 'support_contacted';

/** A storefront click event as analytics takes it (the session id is added when sent). */
export interface AnalyticsEvent {
  type: AnalyticsEventType;
  productId?: string;
  query?: string;
  /** For search: how many results the shopper saw. */
  results?: number;
  /** For page_view: the storefront path. */
  path?: string;
}

export interface ScenarioContext {
  scenario: ScenarioName;
  /** This scenario's own stream, drawn from the seeded generator when it started. */
  random: Random;
  sessionId: string;
  signal: AbortSignal;
  catalogue: Catalogue;
  /** One request through the gateway, counted under this scenario. */
  send(spec: Omit<RequestSpec, 'signal'>): Promise<Answer>;
  /** Storefront click events: best effort, as a browser's beacon (a failure never fails the scenario). */
  beacon(events: AnalyticsEvent[]): Promise<void>;
  /** A shopper's pause between pages. */
  think(): Promise<void>;
  /** Waits without thinking (order status polling). */
  sleep(ms: number): Promise<void>;
  signedInShopper(): Promise<SignedInShopper>;
  /** Signs up a new account (and logs it in); it joins the shopper pool while there is room. */
  signUpShopper(): Promise<SignedInShopper>;
  recordOrder(result: OrderResult): void;
  orderTimeoutMs: number;
  orderPollMs: number;
  now(): number;
}

export type Scenario = (ctx: ScenarioContext) => Promise<void>;
