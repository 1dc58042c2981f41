import { loadConfig, withBaseConfig } from '@shopwatch/platform';
import { Type, type Static } from 'typebox';

export const SupportConfigSchema = withBaseConfig({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  RUN_MIGRATIONS: Type.Boolean({ default: true }),
});
export type SupportConfig = Static<typeof SupportConfigSchema>;

export function loadSupportConfig(env: NodeJS.ProcessEnv = process.env): SupportConfig {
  return loadConfig(SupportConfigSchema, env);
}
