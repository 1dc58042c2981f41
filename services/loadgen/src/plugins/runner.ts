// Drives the scenarios: a timer wakes up at each arrival the Dispatcher has due, a scenario is
// chosen from the seeded mix and run with its own random stream, and its outcome, duration and
// failure reason are counted. Shutdown stops arrivals and aborts running scenarios (not counted).
import { setMaxListeners } from 'node:events';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Logger } from '@shopwatch/platform';
import { Catalogue } from '../domain/catalogue.ts';
import { applyControl, type ControlLimits, type ControlResult, type ControlSettings, type ControlUpdate } from '../domain/control.ts';
import { WeightedChoice, type ScenarioName } from '../domain/mix.ts';
import { RateLimited, ScenarioFailure, type FailureReason } from '../domain/outcome.ts';
import { createRandom, type Random } from '../domain/random.ts';
import { Dispatcher } from '../domain/scheduler.ts';
import type { AnalyticsEvent, ScenarioContext } from '../scenarios/context.ts';
import { SCENARIO_DEFINITIONS } from '../scenarios/journeys.ts';
import { PATHS } from '../scenarios/paths.ts';
import type { GatewayClient, RequestSpec } from './gateway-client.ts';
import type { LoadgenMetrics } from './loadgen-metrics.ts';
import { ShopperPool } from './shoppers.ts';

export interface RunnerOptions {
  settings: ControlSettings;
  limits: ControlLimits;
  seed: number;
  client: GatewayClient;
  metrics: LoadgenMetrics;
  logger: Logger;
  shopperPoolSize: number;
  thinkTimeMs: number;
  orderTimeoutMs: number;
  orderPollMs: number;
  /** Milliseconds since the epoch; injected so tests can steer time. */
  now?: () => number;
  /** Distinguishes this run's accounts (default: random). */
  runId?: string;
}

export interface ControlView extends ControlSettings {
  running: boolean;
  maxRate: number;
  inFlight: number;
  seed: number;
  shoppers: number;
  /** Arrivals since start: started scenarios and those dropped at the in-flight bound. */
  arrivals: { started: number; dropped: number };
}

/** No-op unless tracing was started: then every journey is the root span of its own trace. */
const tracer = trace.getTracer('@shopwatch/loadgen');

/** Idle wake-up when nothing is due (a paused runner does not wake at all). */
const MAX_TIMER_MS = 1_000;

export class LoadRunner {
  readonly #options: RunnerOptions;
  readonly #now: () => number;
  readonly #random: Random;
  readonly #catalogue = new Catalogue();
  readonly #shoppers: ShopperPool;
  readonly #dispatcher: Dispatcher;
  readonly #abort = new AbortController();
  #settings: ControlSettings;
  #choice: WeightedChoice;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;
  #arrivals = { started: 0, dropped: 0 };
  readonly #loggedFailures = new Set<string>();

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#settings = options.settings;
    this.#random = createRandom(options.seed);
    this.#choice = new WeightedChoice(options.settings.mix);
    // Every running scenario's sleeps and requests listen for the shutdown signal.
    setMaxListeners(0, this.#abort.signal);
    this.#shoppers = new ShopperPool({
      size: options.shopperPoolSize,
      runId: options.runId ?? Math.random().toString(36).slice(2, 10),
      now: this.#now,
      onSizeChange: (size) => options.metrics.shoppers.set(size),
    });
    this.#dispatcher = new Dispatcher({
      rate: options.settings.rate,
      maxInFlight: options.settings.maxInFlight,
      paused: true,
      nowMs: this.#now(),
      choose: () => this.#choice.choose(this.#random.next()),
      launch: (scenario) => this.#run(scenario),
      drop: (scenario) => {
        this.#arrivals.dropped++;
        options.metrics.scenarios.inc({ scenario, outcome: 'dropped' });
      },
    });
    this.#publishTarget();
  }

  /** Begins arrivals (unless configured paused). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#dispatcher.update({ paused: this.#settings.paused }, this.#now());
    this.#publishTarget();
    this.#arm();
  }

  view(): ControlView {
    return {
      ...this.#settings,
      mix: { ...this.#settings.mix },
      running: this.#started && !this.#stopped && !this.#settings.paused && this.#settings.rate > 0,
      maxRate: this.#options.limits.maxRate,
      inFlight: this.#dispatcher.inFlight,
      seed: this.#options.seed,
      shoppers: this.#shoppers.size,
      arrivals: { ...this.#arrivals },
    };
  }

  /** Validates and applies a change at once; arrivals follow the new settings from now on. */
  update(update: ControlUpdate): ControlResult {
    const result = applyControl(this.#settings, update, this.#options.limits);
    if (!result.ok) return result;
    this.#settings = result.settings;
    this.#choice = new WeightedChoice(result.settings.mix);
    const { rate, maxInFlight, paused } = result.settings;
    this.#dispatcher.update({ rate, maxInFlight, paused: paused || !this.#started || this.#stopped }, this.#now());
    this.#publishTarget();
    this.#arm();
    return result;
  }

  /** Stops arrivals, aborts running scenarios and waits until they have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#dispatcher.update({ paused: true }, this.#now());
    this.#publishTarget();
    this.#abort.abort(new Error('loadgen is shutting down'));
    await this.#dispatcher.idle();
  }

  #publishTarget(): void {
    const active = this.#started && !this.#stopped && !this.#settings.paused;
    this.#options.metrics.targetRate.set(active ? this.#settings.rate : 0);
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || !this.#started) return;
    const next = this.#dispatcher.nextArrivalAt;
    if (next === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.#now()));
    this.#timer = setTimeout(() => {
      const result = this.#dispatcher.tick(this.#now());
      this.#arrivals.started += result.started;
      this.#options.metrics.inFlight.set(this.#dispatcher.inFlight);
      this.#arm();
    }, delay);
  }

  #run(scenario: ScenarioName): Promise<void> {
    // A new root (never a child of whatever context the timer callback had).
    return tracer.startActiveSpan(`journey ${scenario}`, { kind: SpanKind.INTERNAL, root: true, attributes: { 'loadgen.scenario': scenario } }, (span) =>
      this.#journey(scenario, span).finally(() => span.end()),
    );
  }

  async #journey(scenario: ScenarioName, span: Span): Promise<void> {
    const { metrics, logger } = this.#options;
    const startedAt = this.#now();
    const ctx = this.#context(scenario, createRandom(this.#random.int(2 ** 32)));
    try {
      await SCENARIO_DEFINITIONS[scenario].run(ctx);
      metrics.scenarios.inc({ scenario, outcome: 'ok' });
      span.setAttribute('loadgen.outcome', 'ok');
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      if (error instanceof RateLimited) {
        metrics.scenarios.inc({ scenario, outcome: 'rate_limited' });
        span.setAttribute('loadgen.outcome', 'rate_limited');
      } else {
        const reason: FailureReason = error instanceof ScenarioFailure ? error.reason : 'internal';
        metrics.scenarios.inc({ scenario, outcome: 'failed' });
        const step = error instanceof ScenarioFailure ? error.step : 'unknown';
        metrics.failures.inc({ scenario, step, reason });
        const detail = error instanceof Error ? error.message : String(error);
        span.setAttributes({ 'loadgen.outcome': 'failed', 'loadgen.failure.step': step, 'loadgen.failure.reason': reason });
        span.setStatus({ code: SpanStatusCode.ERROR, message: detail });
        // The first failure of each kind is a warning; repeats are debug lines (the metric counts them).
        const key = `${scenario}:${reason}`;
        const level = reason === 'internal' ? 'error' : this.#loggedFailures.has(key) ? 'debug' : 'warn';
        this.#loggedFailures.add(key);
        logger[level]({ scenario, reason, step, detail }, 'scenario failed');
      }
    } finally {
      if (!this.#abort.signal.aborted) metrics.scenarioDuration.observe({ scenario }, (this.#now() - startedAt) / 1000);
      metrics.inFlight.set(Math.max(0, this.#dispatcher.inFlight - 1));
    }
  }

  #context(scenario: ScenarioName, random: Random): ScenarioContext {
    const { client, metrics } = this.#options;
    const signal = this.#abort.signal;
    const send = (spec: Omit<RequestSpec, 'signal'>) => client.send(scenario, { ...spec, signal });
    const sleep = (ms: number) => abortableSleep(ms, signal);
    const sessionId = `s-${random.int(2 ** 32).toString(16).padStart(8, '0')}${random.int(2 ** 32).toString(16).padStart(8, '0')}`;
    return {
      scenario,
      random,
      sessionId,
      signal,
      catalogue: this.#catalogue,
      send,
      beacon: async (events: AnalyticsEvent[]) => {
        if (events.length === 0) return;
        try {
          await send({ step: 'analytics', method: 'POST', path: PATHS.analyticsEvents, body: { events: events.map((e) => ({ ...e, sessionId })) }, expect: [200, 201, 202, 204] });
        } catch (error) {
          if (signal.aborted) throw error;
          // A browser's beacon: lost clicks are counted as requests, never fail the journey.
        }
      },
      think: () => sleep(this.#options.thinkTimeMs * (0.5 + random.next())),
      sleep,
      signedInShopper: () => this.#shoppers.signedIn(send, random),
      signUpShopper: () => this.#shoppers.signUp(send, random),
      recordOrder: (result) => metrics.orders.inc({ result }),
      orderTimeoutMs: this.#options.orderTimeoutMs,
      orderPollMs: this.#options.orderPollMs,
      now: this.#now,
    };
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return signal.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
