import { describe, expect, it } from 'vitest';
import { steeringUpdate } from '../../src/domain/steering.ts';

describe('steering from the settings file', () => {
  it('applies what the file says the first time', () => {
    expect(steeringUpdate(undefined, { rate: 5, paused: false })).toEqual({ rate: 5, paused: false });
    expect(steeringUpdate(undefined, { rate: 0 })).toEqual({ rate: 0 });
  });
  it('applies only what changed in the file since it was last applied', () => {
    expect(steeringUpdate({ rate: 5, paused: false }, { rate: 5, paused: false })).toBeUndefined();
    expect(steeringUpdate({ rate: 5, paused: false }, { rate: 2, paused: false })).toEqual({ rate: 2 });
    expect(steeringUpdate({ rate: 5 }, { rate: 5, paused: true })).toEqual({ paused: true });
  });
  it('leaves the load alone when the file says nothing about it', () => {
    expect(steeringUpdate(undefined, {})).toBeUndefined();
    expect(steeringUpdate({ rate: 3 }, {})).toBeUndefined();
  });
});
