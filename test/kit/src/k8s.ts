// Helpers for integration tests against a real Kubernetes API: by default the local control
// plane of `make cluster-up` (scripts/cluster), found through KUBECONFIG or .local/kubeconfig.
// Everything here is generic (namespaces, server-side apply, waits, kubectl/helm, tokens), so
// the operator's and the charts' tests can use it as well as the cluster's own tests.
import { spawn } from 'node:child_process';
import https from 'node:https';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { uniqueName, waitFor } from './wait.ts';
import type { WaitOptions } from './wait.ts';

const repoRoot = process.env.SHOPWATCH_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));

/** Field manager used by the helpers unless a test names its own. */
export const TEST_FIELD_MANAGER = 'shopwatch-tests';
/** Label put on every namespace made by these helpers, so leftovers are easy to find and delete. */
export const TEST_NAMESPACE_LABEL = 'shopwatch.dev/test-namespace';

// ---------------------------------------------------------------------------------------------
// Configuration and clients

/** The kubeconfig file to use: the first existing file in KUBECONFIG, else .local/kubeconfig. */
export function kubeconfigPath(): string {
  const fromEnv = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  const candidates = fromEnv.length > 0 ? fromEnv : [path.join(repoRoot, '.local', 'kubeconfig')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) {
    throw new Error(
      `no kubeconfig found (looked at ${candidates.join(', ')}): run \`make cluster-up\` to start the ` +
        'local Kubernetes control plane; it writes .local/kubeconfig',
    );
  }
  return found;
}

export function loadKubeConfig(file: string = kubeconfigPath()): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(file);
  return kubeConfig;
}

/** Typed API clients plus the generic object client, all for one identity. */
export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  readonly apiextensions: ApiextensionsV1Api;
  readonly authorization: AuthorizationV1Api;
  /** Any kind by apiVersion/kind. Re-serializes known kinds through typed models (drops fields
   *  they lack, e.g. `x-kubernetes-validations`): prefer `apply`/`readObject` for manifests. */
  readonly objects: KubernetesObjectApi;
}

export function makeClients(kubeConfig: KubeConfig): KubeClients {
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    rbac: kubeConfig.makeApiClient(RbacAuthorizationV1Api),
    apiextensions: kubeConfig.makeApiClient(ApiextensionsV1Api),
    authorization: kubeConfig.makeApiClient(AuthorizationV1Api),
    objects: KubernetesObjectApi.makeApiClient(kubeConfig),
  };
}

let adminClients: KubeClients | undefined;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Tests create and delete namespaces, CRDs and cluster roles: refuse a kubeconfig that points
 * anywhere but this machine (a developer's KUBECONFIG may name a shared cluster) unless
 * SHOPWATCH_TEST_ANY_CLUSTER=1 says that is intended. kind, minikube-with-docker and k3s
 * containers all listen on loopback too.
 */
function assertTestCluster(kubeConfig: KubeConfig): void {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  if (LOOPBACK_HOSTS.has(new URL(server).hostname) || process.env.SHOPWATCH_TEST_ANY_CLUSTER === '1') return;
  throw new Error(
    `refusing to run tests against ${server} (not on this machine). Unset KUBECONFIG to use the local ` +
      'cluster (`make cluster-up`), or set SHOPWATCH_TEST_ANY_CLUSTER=1 if this cluster is meant for tests',
  );
}

/** Clients for the admin kubeconfig (made once per test file). */
export function kube(): KubeClients {
  if (!adminClients) {
    const kubeConfig = loadKubeConfig();
    assertTestCluster(kubeConfig);
    adminClients = makeClients(kubeConfig);
  }
  return adminClients;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A rejection by the API server, with the Status fields tests assert on. */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string;
  readonly status: Record<string, unknown> | undefined;
  constructor(statusCode: number, reason: string, message: string, status?: Record<string, unknown>) {
    super(message);
    this.name = 'KubeApiError';
    this.statusCode = statusCode;
    this.reason = reason;
    this.status = status;
  }
}

/** Turns a client-node ApiException (whose body may be a string or parsed JSON) into a KubeApiError. */
export function toKubeApiError(error: unknown): unknown {
  if (!(error instanceof ApiException)) return error;
  let body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON: keep the text as the message
    }
  }
  if (body && typeof body === 'object' && 'kind' in body && body.kind === 'Status') {
    const status = body as Record<string, unknown>;
    const message = typeof status.message === 'string' ? status.message : error.message;
    const reason = typeof status.reason === 'string' ? status.reason : '';
    return new KubeApiError(error.code, reason, `${error.code} ${reason}: ${message}`, status);
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new KubeApiError(error.code, '', `${error.code}: ${text}`);
}

/** Awaits a call and rethrows its failure as a KubeApiError. */
export async function api<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw toKubeApiError(error);
  }
}

/**
 * For calls that must be rejected: resolves with the KubeApiError, and fails the test with
 * the object that was returned if the API server accepted the call.
 */
export async function apiRejection(call: Promise<unknown>): Promise<KubeApiError> {
  let accepted: unknown;
  try {
    accepted = await call;
  } catch (error) {
    const apiError = toKubeApiError(error);
    if (apiError instanceof KubeApiError) return apiError;
    throw apiError;
  }
  throw new Error(`expected the API server to reject the request, but it answered: ${JSON.stringify(accepted).slice(0, 500)}`);
}

export function isNotFound(error: unknown): boolean {
  const apiError = toKubeApiError(error);
  return apiError instanceof KubeApiError && apiError.statusCode === 404;
}

// ---------------------------------------------------------------------------------------------
// Manifests and server-side apply

/** Parses multi-document YAML (or JSON) into objects, skipping empty documents. */
export function parseManifests(text: string): KubernetesObject[] {
  // Plain YAML parsing on purpose: client-node's loadAllYaml maps known kinds through its typed
  // models, which renames fields (x-kubernetes-validations → x_kubernetes_validations) and so
  // breaks CRDs and anything else the models do not describe exactly.
  return parseAllDocuments(text).map((doc) => doc.toJS() as unknown).filter(
    (doc): doc is KubernetesObject => typeof doc === 'object' && doc !== null && 'kind' in doc,
  );
}

export interface ApplyOptions {
  /** Field manager (default TEST_FIELD_MANAGER). */
  fieldManager?: string;
  /** Take over fields owned by other managers instead of failing with 409 Conflict. */
  force?: boolean;
  /** Namespace for namespaced objects that name none. */
  namespace?: string;
  /** Validate and default on the server without persisting. */
  dryRun?: boolean;
  /** Identity to apply as (default: the admin kubeconfig). */
  kubeConfig?: KubeConfig;
}

// Generic objects go over plain HTTPS as JSON, exactly as written: client-node's object client
// re-serializes known kinds through its typed models, which silently drops fields it has no
// model for (`x-kubernetes-validations` in a CRD schema, fields newer than the client).

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /**
   * How long to keep retrying while the API server is unreachable or answers 429/503 (default
   * 30 s). Other test files may restart the API server mid-run (scripts/cluster/ctl.sh), and the
   * requests made here (GET, apply, DELETE) are safe to repeat.
   */
  retryForMs?: number;
}

const RETRIED_NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function send(url: URL, options: https.RequestOptions, payload: string | undefined): Promise<{ statusCode: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, options, (response) => {
      let data = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
      response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, text: data }));
      response.on('error', reject);
    });
    request.setTimeout(60_000, () => request.destroy(Object.assign(new Error('request timed out after 60 s'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(payload);
  });
}

/** One request to the API server as the kubeConfig's identity; JSON in, JSON out, KubeApiError on >= 400. */
export async function rawRequest<T = unknown>(kubeConfig: KubeConfig, apiPath: string, options: RequestOptions = {}): Promise<T> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(apiPath, cluster.server);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== false) url.searchParams.set(key, String(value));
  }
  const requestOptions: https.RequestOptions = { method: options.method ?? 'GET', headers: { accept: 'application/json' } };
  await kubeConfig.applyToHTTPSOptions(requestOptions);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) {
    requestOptions.headers = { ...requestOptions.headers, 'content-type': options.contentType ?? 'application/json' };
  }
  const deadline = Date.now() + (options.retryForMs ?? 30_000);
  let delayMs = 200;
  for (;;) {
    let response: { statusCode: number; text: string } | undefined;
    let networkError: (Error & { code?: string }) | undefined;
    try {
      response = await send(url, requestOptions, payload);
    } catch (error) {
      networkError = error as Error & { code?: string };
    }
    const retriable = networkError
      ? RETRIED_NETWORK_ERRORS.has(networkError.code ?? '')
      : response!.statusCode === 429 || response!.statusCode === 503;
    if (retriable && Date.now() + delayMs < deadline) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 2_000);
      continue;
    }
    if (networkError) {
      throw new Error(
        `cannot reach the Kubernetes API at ${cluster.server} (${networkError.message}); is the local cluster running? ` +
          '`make cluster-up` starts it, `scripts/cluster/ctl.sh status` shows it',
        { cause: networkError },
      );
    }
    const { statusCode, text } = response!;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (statusCode >= 400) {
      const status = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
      const reason = typeof status?.reason === 'string' ? status.reason : '';
      const message = typeof status?.message === 'string' ? status.message : text;
      throw new KubeApiError(statusCode, reason, `${statusCode} ${reason}: ${message}`, status);
    }
    return body as T;
  }
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const discoveryCache = new WeakMap<KubeConfig, Map<string, ApiResource[]>>();

/** The REST resource (plural name, scope) of a kind, from discovery; refreshed when a kind is new. */
async function resourceFor(kubeConfig: KubeConfig, apiVersion: string, kind: string): Promise<ApiResource> {
  let cache = discoveryCache.get(kubeConfig);
  if (!cache) discoveryCache.set(kubeConfig, (cache = new Map<string, ApiResource[]>()));
  const find = (list: ApiResource[] | undefined) => list?.find((r) => r.kind === kind && !r.name.includes('/'));
  let found = find(cache.get(apiVersion));
  if (!found) {
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    try {
      const list = await rawRequest<{ resources: ApiResource[] }>(kubeConfig, base);
      cache.set(apiVersion, list.resources);
      found = find(list.resources);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.statusCode === 404)) throw error;
    }
  }
  if (!found) throw new Error(`the API server does not serve kind ${kind} in ${apiVersion} (is its CRD installed and Established?)`);
  return found;
}

async function objectPath(kubeConfig: KubeConfig, apiVersion: string, kind: string, namespace: string | undefined, name?: string): Promise<string> {
  const resource = await resourceFor(kubeConfig, apiVersion, kind);
  const parts = [apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`];
  if (resource.namespaced) {
    if (!namespace) throw new Error(`${kind} ${name ?? ''} is namespaced: give metadata.namespace or the namespace option`);
    parts.push('namespaces', encodeURIComponent(namespace));
  }
  parts.push(resource.name);
  if (name) parts.push(encodeURIComponent(name));
  return parts.join('/');
}

/** Server-side apply of one object; returns the object as stored (plain JSON). */
export async function apply<T extends KubernetesObject>(object: T, options: ApplyOptions = {}): Promise<T> {
  const kubeConfig = options.kubeConfig ?? kube().kubeConfig;
  const { apiVersion, kind, metadata } = object;
  if (!apiVersion || !kind || !metadata?.name) throw new Error(`cannot apply an object without apiVersion, kind and metadata.name: ${JSON.stringify(object).slice(0, 200)}`);
  const resource = await resourceFor(kubeConfig, apiVersion, kind);
  const namespace = resource.namespaced ? (metadata.namespace ?? options.namespace) : undefined;
  const body = resource.namespaced && namespace ? { ...object, metadata: { ...metadata, namespace } } : object;
  return rawRequest<T>(kubeConfig, await objectPath(kubeConfig, apiVersion, kind, namespace, metadata.name), {
    method: 'PATCH',
    query: {
      fieldManager: options.fieldManager ?? TEST_FIELD_MANAGER,
      force: options.force ?? false,
      dryRun: options.dryRun ? 'All' : undefined,
    },
    body,
    contentType: 'application/apply-patch+yaml',
  });
}

/** Server-side apply of every object in a manifest (YAML text or objects), in order. */
export async function applyManifests(
  manifests: string | readonly KubernetesObject[],
  options: ApplyOptions = {},
): Promise<KubernetesObject[]> {
  const objects = typeof manifests === 'string' ? parseManifests(manifests) : manifests;
  const applied: KubernetesObject[] = [];
  for (const object of objects) applied.push(await apply(object, options));
  return applied;
}

/** Identifies one object: apiVersion, kind, name and (for namespaced kinds) namespace. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Reads one object (plain JSON), or undefined if it does not exist. */
export async function readObject<T extends KubernetesObject>(
  ref: ObjectRef,
  kubeConfig: KubeConfig = kube().kubeConfig,
): Promise<T | undefined> {
  try {
    return await rawRequest<T>(kubeConfig, await objectPath(kubeConfig, ref.apiVersion, ref.kind, ref.namespace, ref.name));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Lists objects of a kind, in one namespace or (without one) across the cluster. */
export async function listObjects<T extends KubernetesObject>(
  apiVersion: string,
  kind: string,
  options: { namespace?: string; labelSelector?: string; kubeConfig?: KubeConfig } = {},
): Promise<T[]> {
  const kubeConfig = options.kubeConfig ?? kube().kubeConfig;
  const resource = await resourceFor(kubeConfig, apiVersion, kind);
  const apiPath = resource.namespaced && options.namespace
    ? await objectPath(kubeConfig, apiVersion, kind, options.namespace)
    : `${apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`}/${resource.name}`;
  const list = await rawRequest<{ items: T[] }>(kubeConfig, apiPath, { query: { labelSelector: options.labelSelector } });
  return list.items;
}

/** Deletes one object (absent is fine); dependents are garbage-collected per propagationPolicy. */
export async function deleteObject(
  ref: ObjectRef,
  options: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; kubeConfig?: KubeConfig } = {},
): Promise<void> {
  const kubeConfig = options.kubeConfig ?? kube().kubeConfig;
  try {
    await rawRequest(kubeConfig, await objectPath(kubeConfig, ref.apiVersion, ref.kind, ref.namespace, ref.name), {
      method: 'DELETE',
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: options.propagationPolicy ?? 'Background' },
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Waiting, with messages that show the state the object was last seen in

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function conditionsOf(object: KubernetesObject | undefined): Condition[] {
  const status = (object as { status?: { conditions?: Condition[] } } | undefined)?.status;
  return Array.isArray(status?.conditions) ? status.conditions : [];
}

export function formatConditions(object: KubernetesObject | undefined): string {
  const conditions = conditionsOf(object);
  if (conditions.length === 0) return 'no conditions';
  return conditions
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`)
    .join('; ');
}

export interface ConditionWaitOptions extends WaitOptions {
  /** Expected status (default "True"). */
  status?: string;
  kubeConfig?: KubeConfig;
}

/** Waits until the object has condition `type` with the expected status; returns the object. */
export async function waitForCondition<T extends KubernetesObject>(
  ref: ObjectRef,
  type: string,
  options: ConditionWaitOptions = {},
): Promise<T> {
  const expected = options.status ?? 'True';
  return waitFor(
    `${describeRef(ref)} condition ${type}=${expected}`,
    async () => {
      const object = await readObject<T>(ref, options.kubeConfig);
      if (!object) throw new Error(`${describeRef(ref)} does not exist`);
      const condition = conditionsOf(object).find((c) => c.type === type);
      if (condition?.status === expected) return object;
      throw new Error(formatConditions(object));
    },
    { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: options.intervalMs ?? 250 },
  );
}

/** Waits until the object no longer exists (finalizers and garbage collection done). */
export async function waitForGone(ref: ObjectRef, options: WaitOptions & { kubeConfig?: KubeConfig } = {}): Promise<void> {
  await waitFor(
    `${describeRef(ref)} to be gone`,
    async () => {
      const object = await readObject(ref, options.kubeConfig);
      if (!object) return true;
      const meta = object.metadata;
      throw new Error(
        `still there${meta?.deletionTimestamp ? ` (deleting since ${String(meta.deletionTimestamp)}, finalizers: ${JSON.stringify(meta.finalizers ?? [])})` : ''}`,
      );
    },
    { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: options.intervalMs ?? 250 },
  );
}

/** Waits until a Deployment is Available with every replica updated and ready. */
export async function waitForDeploymentAvailable(
  namespace: string,
  name: string,
  options: WaitOptions = {},
): Promise<KubernetesObject> {
  return waitFor(
    `Deployment ${namespace}/${name} Available with all replicas ready`,
    async () => {
      const d = await api(kube().apps.readNamespacedDeployment({ namespace, name }));
      const wanted = d.spec?.replicas ?? 1;
      const s = d.status ?? {};
      const available = conditionsOf(d).find((c) => c.type === 'Available')?.status === 'True';
      const done =
        available && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
        s.updatedReplicas === wanted && s.readyReplicas === wanted && s.availableReplicas === wanted;
      if (done) return d;
      throw new Error(
        `replicas wanted=${wanted} updated=${s.updatedReplicas ?? 0} ready=${s.readyReplicas ?? 0} ` +
          `available=${s.availableReplicas ?? 0}; ${formatConditions(d)}`,
      );
    },
    { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: options.intervalMs ?? 250 },
  );
}

/** Waits until a CRD is Established and its kind is served (discoverable), so it can be applied. */
export async function waitForCrdEstablished(name: string, options: WaitOptions = {}): Promise<void> {
  await waitForCondition({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name }, 'Established', options);
}

// ---------------------------------------------------------------------------------------------
// Namespaces

export interface NamespaceOptions {
  labels?: Record<string, string>;
}

/** Creates a namespace and waits until pods can be created in it (its default ServiceAccount exists). */
export async function createNamespace(name: string, options: NamespaceOptions = {}): Promise<void> {
  // Server-side apply rather than create: repeating it (after a retried request) is harmless.
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true', ...options.labels } },
  });
  // Pods can only be created once the namespace's `default` ServiceAccount exists. The
  // controller manager makes it within milliseconds, except right after an API server restart
  // (another test file may restart it), when its informers sit in reconnect backoff for 10-30 s.
  // Then we make the same object ourselves; the controller finds it there and leaves it alone.
  const defaultAccount = { apiVersion: 'v1', kind: 'ServiceAccount', namespace: name, name: 'default' };
  const made = await waitFor('ServiceAccount default', async () => Boolean(await readObject(defaultAccount)), {
    timeoutMs: 5_000,
    intervalMs: 100,
  }).catch(() => false);
  if (!made) await apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
}

/** Deletes a namespace; with `wait`, returns only once it is gone. */
export async function deleteNamespace(name: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', name };
  await deleteObject(ref);
  if (options.wait) await waitForGone(ref, { timeoutMs: options.timeoutMs ?? 60_000 });
}

export interface TestNamespace {
  /** Set when the enclosing `describe` (or file) starts. */
  readonly name: string;
}

/**
 * A fresh namespace for the calling test file (or describe block): created in beforeAll,
 * deleted in afterAll. Set `KEEP_TEST_NAMESPACES=1` to keep it for debugging.
 */
export function useNamespace(prefix = 'test', options: NamespaceOptions = {}): TestNamespace {
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30) || 'test';
  const namespace = { name: uniqueName(safePrefix).slice(0, 63).replace(/-+$/, '') };
  beforeAll(async () => {
    await createNamespace(namespace.name, options);
  });
  afterAll(async () => {
    if (process.env.KEEP_TEST_NAMESPACES) return;
    await deleteNamespace(namespace.name);
  });
  return namespace;
}

// ---------------------------------------------------------------------------------------------
// ServiceAccount identities (TokenRequest API)

export interface TokenOptions {
  /** Token lifetime (default 3600 s; the API server's minimum is 600 s). */
  expirationSeconds?: number;
  audiences?: string[];
}

/** A short-lived token for a ServiceAccount, issued by the TokenRequest API. */
export async function serviceAccountToken(namespace: string, name: string, options: TokenOptions = {}): Promise<string> {
  const response = await api(
    kube().core.createNamespacedServiceAccountToken({
      namespace,
      name,
      body: { spec: { expirationSeconds: options.expirationSeconds ?? 3600, audiences: options.audiences ?? [] } },
    }),
  );
  const token = response.status?.token;
  if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
  return token;
}

/** A kubeconfig that talks to the same cluster as the ServiceAccount, with its own token. */
export async function serviceAccountKubeConfig(namespace: string, name: string, options: TokenOptions = {}): Promise<KubeConfig> {
  const token = await serviceAccountToken(namespace, name, options);
  const admin = kube().kubeConfig;
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const user = `system:serviceaccount:${namespace}:${name}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user, namespace }],
    currentContext: user,
  });
  return kubeConfig;
}

/** Writes a kubeconfig to a fresh temporary file (for kubectl/helm under another identity). */
export function writeKubeConfig(kubeConfig: KubeConfig): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'shopwatch-kubeconfig-')), 'kubeconfig');
  writeFileSync(file, kubeConfig.exportConfig(), { mode: 0o600 });
  return file;
}

/** Asks the API server (SelfSubjectAccessReview) whether the identity may do something. */
export async function canI(
  kubeConfig: KubeConfig,
  attributes: { verb: string; resource: string; group?: string; namespace?: string; name?: string; subresource?: string },
): Promise<boolean> {
  const review = await api(
    kubeConfig.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: attributes } },
    }),
  );
  return review.status?.allowed === true;
}

// ---------------------------------------------------------------------------------------------
// kubectl and helm (pinned binaries from scripts/tools.sh)

/** Absolute path of the pinned tool: $KUBECTL/$HELM (.local/tools.env), else .local/bin, else PATH. */
export function toolPath(tool: 'kubectl' | 'helm'): string {
  const fromEnv = process.env[tool.toUpperCase()];
  if (fromEnv) return fromEnv;
  const local = path.join(repoRoot, '.local', 'bin', tool);
  return existsSync(local) ? local : tool;
}

export interface RunOptions {
  /** Written to the tool's stdin (e.g. a manifest for `apply -f -`). */
  input?: string;
  /** Kubeconfig file (default: kubeconfigPath()). */
  kubeconfig?: string;
  /** Resolve with a non-zero exit code instead of throwing. */
  allowFailure?: boolean;
  /** Kill the tool after this many milliseconds (default 120 s). */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

async function runTool(tool: 'kubectl' | 'helm', args: readonly string[], options: RunOptions): Promise<RunResult> {
  const file = toolPath(tool);
  const env = { ...process.env, KUBECONFIG: options.kubeconfig ?? kubeconfigPath(), ...options.env };
  const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.stdin.end(options.input ?? '');
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new Error(`cannot run ${file} (${error.message}); run scripts/tools.sh install`, { cause: error })),
    );
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  }).finally(() => clearTimeout(timer));
  const result = { stdout, stderr, exitCode };
  if (exitCode !== 0 && !options.allowFailure) {
    throw new Error(`${tool} ${args.join(' ')} exited with ${exitCode}:\n${stderr.trim() || stdout.trim()}`);
  }
  return result;
}

export function kubectl(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runTool('kubectl', args, options);
}

export function helm(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runTool('helm', args, options);
}
