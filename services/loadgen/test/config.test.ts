import { describe, expect, it } from 'vitest';
import { loadLoadgenConfig } from '../src/config.ts';

describe('loadLoadgenConfig', () => {
  it('has low, loopback defaults', () => {
    const config = loadLoadgenConfig({});
    expect(config.GATEWAY_URL).toBe('http://127.0.0.1:8080');
    expect(config.LOADGEN_RATE).toBe(1);
    expect(config.mix).toEqual({ browse: 50, search: 20, cart: 15, checkout: 8, signup: 5, support: 2 });
    expect(config.LOADGEN_PAUSED).toBe(false);
  });

  it.each([
    [{ LOADGEN_MIX: 'browse=1,shopping=2' }, 'LOADGEN_MIX names an unknown scenario "shopping"'],
    [{ LOADGEN_MIX: 'browse=0' }, 'LOADGEN_MIX has no scenario with a positive weight'],
    [{ LOADGEN_RATE: '-1' }, 'LOADGEN_RATE'],
    [{ LOADGEN_RATE: 'fast' }, 'LOADGEN_RATE'],
    [{ LOADGEN_RATE: '300' }, 'LOADGEN_RATE must not exceed LOADGEN_MAX_RATE'],
    [{ LOADGEN_MAX_IN_FLIGHT: '0' }, 'LOADGEN_MAX_IN_FLIGHT'],
    [{ LOADGEN_SEED: '-1' }, 'LOADGEN_SEED'],
    [{ LOADGEN_SEED: 'lucky' }, 'LOADGEN_SEED'],
    [{ GATEWAY_URL: 'gateway:8080' }, 'GATEWAY_URL'],
    [{ GATEWAY_URL: 'http://10.1.2.3:8080' }, 'GATEWAY_URL must be a loopback address unless LOADGEN_ALLOW_REMOTE=true'],
    [{ LOADGEN_LOCAL_ADDRESS: 'my host' }, 'LOADGEN_LOCAL_ADDRESS'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadLoadgenConfig(env)).toThrow(message);
  });

  it('allows a remote gateway only when told to', () => {
    expect(loadLoadgenConfig({ GATEWAY_URL: 'http://gateway:8080', LOADGEN_ALLOW_REMOTE: 'true' }).GATEWAY_URL).toBe('http://gateway:8080');
  });
});
