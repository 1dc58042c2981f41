// Kafka health check without a client library or a second JVM. Over one plain TCP connection:
//  1. Metadata (API key 3, v4 — the oldest version Kafka 4 still accepts): the broker must list
//     itself and name an active controller, i.e. clients can produce;
//  2. FindCoordinator (API key 10, v1) for a consumer group: answers "not available" until the
//     __consumer_offsets topic exists, which the first such request creates. Waiting for it
//     here means the first consumer group of a test run does not race that creation.
// Usage: node health-probe.mjs HOST PORT    (exit 0 = healthy; reason on stderr otherwise)
import { Buffer } from 'node:buffer';
import net from 'node:net';
import process from 'node:process';

const [host = '127.0.0.1', portText = '59092'] = process.argv.slice(2);
const port = Number(portText);
const CLIENT_ID = 'shopwatch-probe';

function fail(message) {
  process.stderr.write(`kafka probe ${host}:${port}: ${message}\n`);
  process.exit(1);
}

class Writer {
  parts = [];
  int8(v) { const b = Buffer.alloc(1); b.writeInt8(v); this.parts.push(b); return this; }
  int16(v) { const b = Buffer.alloc(2); b.writeInt16BE(v); this.parts.push(b); return this; }
  int32(v) { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }
  string(s) { const b = Buffer.from(s); this.int16(b.length); this.parts.push(b); return this; }
  frame() { const body = Buffer.concat(this.parts); const size = Buffer.alloc(4); size.writeInt32BE(body.length); return Buffer.concat([size, body]); }
}

class Reader {
  constructor(buffer) { this.buffer = buffer; this.offset = 0; }
  int16() { const v = this.buffer.readInt16BE(this.offset); this.offset += 2; return v; }
  int32() { const v = this.buffer.readInt32BE(this.offset); this.offset += 4; return v; }
  string() {
    const n = this.int16();
    if (n < 0) return null;
    const v = this.buffer.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
}

// Request header v1: api_key, api_version, correlation_id, client_id.
function request(apiKey, version, correlationId, writeBody) {
  const w = new Writer().int16(apiKey).int16(version).int32(correlationId).string(CLIENT_ID);
  writeBody(w);
  return w.frame();
}

const socket = net.connect({ host, port });
socket.setTimeout(3000, () => fail('no answer within 3 s'));
socket.on('error', (error) => fail(error.message));
socket.on('close', () => fail('connection closed before a complete answer'));

let received = Buffer.alloc(0);
const waiting = [];
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
    const size = received.readInt32BE(0);
    const frame = received.subarray(4, 4 + size);
    received = received.subarray(4 + size);
    waiting.shift()?.(new Reader(frame));
  }
});
function send(frame) {
  return new Promise((resolve) => { waiting.push(resolve); socket.write(frame); });
}

async function metadata() {
  const r = await send(request(3, 4, 1, (w) => w.int32(0).int8(0))); // no topics, no auto-create
  if (r.int32() !== 1) fail('unexpected correlation id');
  r.int32(); // throttle_time_ms
  const brokers = [];
  for (let n = r.int32(); n > 0; n--) {
    const nodeId = r.int32();
    const brokerHost = r.string();
    const brokerPort = r.int32();
    r.string(); // rack
    brokers.push({ nodeId, host: brokerHost, port: brokerPort });
  }
  const clusterId = r.string();
  const controllerId = r.int32();
  const self = brokers.find((b) => b.port === port);
  if (!self) fail(`broker not registered yet (brokers: ${JSON.stringify(brokers)})`);
  if (controllerId < 0) fail('no active controller yet');
  return { clusterId, self, controllerId };
}

async function groupCoordinator() {
  const r = await send(request(10, 1, 2, (w) => w.string(CLIENT_ID).int8(0))); // key type 0: group
  if (r.int32() !== 2) fail('unexpected correlation id');
  r.int32(); // throttle_time_ms
  const errorCode = r.int16();
  const errorMessage = r.string();
  if (errorCode !== 0) fail(`group coordinator not ready (error ${errorCode}${errorMessage ? `: ${errorMessage}` : ''})`);
  return r.int32();
}

try {
  const { clusterId, self, controllerId } = await metadata();
  const coordinator = await groupCoordinator();
  process.stdout.write(
    `kafka ok: cluster ${clusterId}, broker ${self.nodeId} at ${self.host}:${self.port}, controller ${controllerId}, group coordinator ${coordinator}\n`,
  );
  process.exit(0);
} catch (error) {
  fail(`unreadable answer: ${error instanceof Error ? error.message : String(error)}`);
}
