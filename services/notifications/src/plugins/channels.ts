// The simulated delivery channels (e-mail, SMS, push): each attempt takes the channel's latency and
// fails with its failure rate, both read from the faults file at every attempt. They stand in for
// third-party providers; nothing leaves the process.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel } from '../domain/channels.ts';
import { NO_FAULTS, type NotificationsFaults } from '../schemas/faults.ts';

export class ChannelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface ChannelSender {
  /** Resolves when the provider accepted the message; rejects with ChannelError when it did not. */
  send(channel: Channel, message: string, signal?: AbortSignal): Promise<void>;
}

export function createSimulatedChannels(options: { faults?: () => NotificationsFaults; random?: () => number } = {}): ChannelSender {
  const random = options.random ?? Math.random;
  return {
    async send(channel, _message, signal) {
      const { failureRate, latencyMs } = (options.faults?.() ?? NO_FAULTS)[channel];
      if (latencyMs > 0) {
        try {
          await sleep(latencyMs, undefined, signal ? { signal } : {});
        } catch {
          throw new ChannelError(`${channel} attempt interrupted by shutdown`);
        }
      }
      if (failureRate > 0 && random() < failureRate) throw new ChannelError(`${channel} provider refused the message (faults file: notifications.${channel}.failureRate)`);
    },
  };
}
