// Evaluates Kubernetes NetworkPolicies (networking.k8s.io/v1) the way a policy engine does, over
// rendered manifests: a connection is allowed when the source's egress and the destination's
// ingress both allow it. A pod selected by no policy of a direction is open in that direction;
// once selected, only what some rule allows passes (policies are additive). Pure functions, so
// the chart's policies can be judged without a CNI that enforces them.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface PolicyPort {
  port?: number | string;
  protocol?: string;
  endPort?: number;
}

export interface NetworkPolicy {
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

/** A pod (by its labels and named container ports) or an address outside the pod network. */
export type Endpoint =
  | { kind: 'pod'; name: string; namespace: string; labels: Record<string, string>; ports: Record<string, number> }
  | { kind: 'external'; name: string; ip: string };

export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In' ? value !== undefined && values.includes(value)
      : expression.operator === 'NotIn' ? value === undefined || !values.includes(value)
      : expression.operator === 'Exists' ? value !== undefined
      : value === undefined;
    if (!ok) return false;
  }
  return true;
}

function ipv4(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${address}`);
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = '32'] = cidr.split('/');
  const bits = Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(base) / size);
}

/** The namespace labels the API server sets on every namespace. */
function namespaceLabels(namespace: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': namespace };
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, target: Endpoint): boolean {
  if (peer.ipBlock) {
    // Pod IPs are not modelled: an ipBlock peer names addresses outside the pod network.
    if (target.kind !== 'external') return false;
    return inCidr(target.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(target.ip, c));
  }
  if (target.kind !== 'pod') return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, namespaceLabels(target.namespace))
    : target.namespace === policyNamespace;
  return namespaceOk && (peer.podSelector ? selects(peer.podSelector, target.labels) : true);
}

/** Does a rule's port list admit `port` on the destination? Named ports resolve on the destination pod. */
function portMatches(ports: PolicyPort[] | undefined, destination: Endpoint, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : destination.kind === 'pod' ? destination.ports[p.port] : undefined;
    if (number === undefined) return false;
    return p.endPort !== undefined ? port >= number && port <= p.endPort : port === number;
  });
}

function types(policy: NetworkPolicy): ('Ingress' | 'Egress')[] {
  // The API server's default: Ingress always, Egress when egress rules are present.
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

export interface Verdict {
  allowed: boolean;
  egress: boolean;
  ingress: boolean;
}

export function connection(policies: readonly NetworkPolicy[], source: Endpoint, destination: Endpoint, port: number, protocol = 'TCP'): Verdict {
  let egress = true;
  if (source.kind === 'pod') {
    const applicable = policies.filter(
      (p) => p.metadata.namespace === source.namespace && types(p).includes('Egress') && selects(p.spec.podSelector, source.labels),
    );
    if (applicable.length > 0) {
      egress = applicable.some((p) =>
        (p.spec.egress ?? []).some(
          (rule) =>
            (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, p.metadata.namespace, destination))) &&
            portMatches(rule.ports, destination, port, protocol),
        ),
      );
    }
  }
  let ingress = true;
  if (destination.kind === 'pod') {
    const applicable = policies.filter(
      (p) => p.metadata.namespace === destination.namespace && types(p).includes('Ingress') && selects(p.spec.podSelector, destination.labels),
    );
    if (applicable.length > 0) {
      ingress = applicable.some((p) =>
        (p.spec.ingress ?? []).some(
          (rule) =>
            (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, p.metadata.namespace, source))) &&
            portMatches(rule.ports, destination, port, protocol),
        ),
      );
    }
  }
  return { allowed: egress && ingress, egress, ingress };
}
