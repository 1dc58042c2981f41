// The NetworkPolicy evaluator the chart tests rely on, checked against the semantics of
// networking.k8s.io/v1 on small hand-made cases (so a lenient evaluator cannot pass the chart).
import { describe, expect, it } from 'vitest';
import { connection, inCidr, type Endpoint, type NetworkPolicy } from './support/network-policy.ts';

const pod = (name: string, labels: Record<string, string>, namespace = 'shop', ports: Record<string, number> = { http: 8080 }): Endpoint => ({
  kind: 'pod',
  name,
  namespace,
  labels,
  ports,
});
const a = pod('a', { app: 'a' });
const b = pod('b', { app: 'b' });
const c = pod('c', { app: 'c' });
const foreign = pod('x', { app: 'a' }, 'other');
const policy = (name: string, spec: NetworkPolicy['spec'], namespace = 'shop'): NetworkPolicy => ({ metadata: { name, namespace }, spec });
const denyAll = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('NetworkPolicy evaluation', () => {
  it('allows everything while no policy selects a pod', () => {
    expect(connection([], a, b, 8080).allowed).toBe(true);
  });

  it('denies everything under a default deny, both directions', () => {
    expect(connection([denyAll], a, b, 8080)).toEqual({ allowed: false, egress: false, ingress: false });
  });

  it('needs both the egress and the ingress allow, on the named port, for pods of the same namespace only', () => {
    const egress = policy('a-out', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 8080 }] }] });
    const ingress = policy('b-in', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 'http' }] }] });
    expect(connection([denyAll, egress], a, b, 8080).allowed).toBe(false);
    expect(connection([denyAll, egress, ingress], a, b, 8080).allowed).toBe(true);
    expect(connection([denyAll, egress, ingress], a, b, 9090).allowed).toBe(false);
    expect(connection([denyAll, egress, ingress], a, b, 8080, 'UDP').allowed).toBe(false);
    expect(connection([denyAll, egress, ingress], c, b, 8080).allowed).toBe(false);
    // Same labels in another namespace: a podSelector without namespaceSelector does not reach it.
    expect(connection([denyAll, ingress], foreign, b, 8080).ingress).toBe(false);
    const anyNamespace = policy('b-in-any', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'a' } } }] }] });
    expect(connection([denyAll, anyNamespace], foreign, b, 8080).ingress).toBe(true);
  });

  it('matches expressions and ip blocks with exceptions', () => {
    const out = policy('a-out', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'z'] }] },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    });
    expect(connection([out], a, { kind: 'external', name: 'in', ip: '10.2.3.4' }, 443).allowed).toBe(true);
    expect(connection([out], a, { kind: 'external', name: 'except', ip: '10.1.3.4' }, 443).allowed).toBe(false);
    expect(connection([out], a, b, 8080).allowed).toBe(false);
    expect(connection([out], c, b, 8080).allowed).toBe(true);
    expect(inCidr('192.168.1.7', '192.168.0.0/23')).toBe(true);
    expect(inCidr('192.168.2.7', '192.168.0.0/23')).toBe(false);
    expect(inCidr('8.8.8.8', '0.0.0.0/0')).toBe(true);
  });
});
