import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_TOPIC,
  eventDefinitions,
  isEventType,
  isValidTopicName,
  registeredTopics,
  topicFor,
} from '../src/index.ts';

describe('event registry', () => {
  it('maps each catalog event type to its topic', () => {
    expect(topicFor('shop.catalog.product.viewed')).toBe('shop.catalog.views.v1');
    expect(topicFor('shop.catalog.product.created')).toBe('shop.catalog.products.v1');
    expect(topicFor('shop.catalog.product.updated')).toBe('shop.catalog.products.v1');
    expect(topicFor('shop.catalog.product.deleted')).toBe('shop.catalog.products.v1');
  });

  it('names every topic by the shop.<domain>.<kind>.v<major> convention', () => {
    for (const topic of [...registeredTopics(), DEAD_LETTER_TOPIC]) {
      expect(isValidTopicName(topic), topic).toBe(true);
    }
    expect(isValidTopicName('catalog-events')).toBe(false);
    expect(isValidTopicName('shop.catalog.events')).toBe(false);
  });

  it('lists each topic once', () => {
    // Every domain adds its topics; the list stays sorted and free of duplicates.
    const topics = registeredTopics();
    expect(topics).toEqual([...new Set(topics)].sort());
    expect(topics).toEqual(expect.arrayContaining(['shop.catalog.products.v1', 'shop.catalog.views.v1']));
  });

  it('knows registered types only, not inherited object keys', () => {
    expect(isEventType('shop.catalog.product.viewed')).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(Object.keys(eventDefinitions).every(isEventType)).toBe(true);
  });
});
