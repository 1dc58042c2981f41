import { describe, expect, it } from 'vitest';
import {
  containerInfraSettings,
  containersMode,
  DEFAULT_IMAGES,
  infraEnvironment,
  kafkaEnvironment,
} from '../src/containers-settings.ts';

describe('containersMode', () => {
  it('is off unless SHOPWATCH_TEST_INFRA says containers', () => {
    expect(containersMode({})).toBe(false);
    expect(containersMode({ SHOPWATCH_TEST_INFRA: '' })).toBe(false);
    expect(containersMode({ SHOPWATCH_TEST_INFRA: 'local' })).toBe(false);
    expect(containersMode({ SHOPWATCH_TEST_INFRA: 'containers' })).toBe(true);
  });

  it('rejects a misspelt mode instead of silently using local processes', () => {
    expect(() => containersMode({ SHOPWATCH_TEST_INFRA: 'container' })).toThrow(/"local" or "containers" \(got "container"\)/);
  });
});

describe('containerInfraSettings', () => {
  it('defaults to the official images and a generic label', () => {
    expect(containerInfraSettings({})).toEqual({
      images: { postgres: 'postgres:16-alpine', redis: 'redis:7-alpine', kafka: DEFAULT_IMAGES.kafka },
      label: { name: 'dev.shopwatch.testkit', value: 'containers' },
    });
    expect(DEFAULT_IMAGES.kafka).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
  });

  it('takes each image name and the reaper label from the environment', () => {
    const settings = containerInfraSettings({
      SHOPWATCH_POSTGRES_IMAGE: 'localhost/shopwatch/postgres-test:15',
      SHOPWATCH_KAFKA_IMAGE: ' localhost/shopwatch/kafka-test:4.3.1 ',
      SHOPWATCH_CONTAINERS_LABEL: 'dev.shopwatch.checkout=f2af6c097a',
    });
    expect(settings.images).toEqual({
      postgres: 'localhost/shopwatch/postgres-test:15',
      redis: 'redis:7-alpine',
      kafka: 'localhost/shopwatch/kafka-test:4.3.1',
    });
    expect(settings.label).toEqual({ name: 'dev.shopwatch.checkout', value: 'f2af6c097a' });
  });

  it('rejects values that cannot be an image name or a label', () => {
    expect(() => containerInfraSettings({ SHOPWATCH_REDIS_IMAGE: 'redis 7' })).toThrow(/SHOPWATCH_REDIS_IMAGE/);
    expect(() => containerInfraSettings({ SHOPWATCH_CONTAINERS_LABEL: 'no-value' })).toThrow(/SHOPWATCH_CONTAINERS_LABEL/);
  });
});

describe('kafkaEnvironment', () => {
  it('advertises the published port and configures a single KRaft node like the local broker', () => {
    const env = kafkaEnvironment('127.0.0.1', 41234);
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://localhost:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:41234',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    });
    // A KRaft cluster id is 16 bytes in URL-safe base64 without padding.
    expect(Buffer.from(env['CLUSTER_ID']!, 'base64url')).toHaveLength(16);
  });

  it('refuses a port that cannot be published', () => {
    expect(() => kafkaEnvironment('127.0.0.1', 0)).toThrow(/invalid host port 0/);
    expect(() => kafkaEnvironment('127.0.0.1', 70_000)).toThrow(/invalid host port/);
  });
});

describe('infraEnvironment', () => {
  it('names the same variables as .local/infra.env, pointing at the published ports', () => {
    expect(
      infraEnvironment({
        postgres: { host: '127.0.0.1', port: 40001 },
        kafka: { host: '127.0.0.1', port: 40002 },
        redis: { host: '127.0.0.1', port: 40003 },
      }),
    ).toEqual({
      DATABASE_URL: 'postgres://shopwatch:shopwatch@127.0.0.1:40001/shopwatch',
      KAFKA_BROKERS: '127.0.0.1:40002',
      REDIS_URL: 'redis://127.0.0.1:40003',
    });
  });
});
