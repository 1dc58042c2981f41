import { SUPPORT_EVENTS_TOPIC } from '@shopwatch/contracts';
import { loadConfig, Topic, withAuth, withBaseConfig, withDatabase, withKafka, withOutboxRelay, withTopics } from '@shopwatch/platform';
import { type Static } from 'typebox';

export const SupportConfigSchema = withBaseConfig({
  ...withDatabase({ minPoolSize: 2 }),
  ...withKafka(),
  ...withTopics(),
  ...withAuth(),
  ...withOutboxRelay(),
  /** Where ticket facts (opened, resolved) are published. */
  EVENTS_TOPIC: Topic(SUPPORT_EVENTS_TOPIC),
});
export type SupportConfig = Static<typeof SupportConfigSchema>;

export function loadSupportConfig(env: NodeJS.ProcessEnv = process.env): SupportConfig {
  return loadConfig(SupportConfigSchema, env);
}
