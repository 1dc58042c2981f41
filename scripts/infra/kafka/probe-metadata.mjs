// Kafka health check without a client library or a second JVM: sends one Metadata request
// (API key 3, version 4 — the oldest version Kafka 4 still accepts) over plain TCP and
// succeeds only if the broker answers with itself in the broker list and a known controller.
// That is the moment clients can produce and consume. Usage: node probe-metadata.mjs HOST PORT
import { Buffer } from 'node:buffer';
import net from 'node:net';
import process from 'node:process';

const [host = '127.0.0.1', portText = '59092'] = process.argv.slice(2);
const port = Number(portText);
const CORRELATION_ID = 0x5e70;
const CLIENT_ID = Buffer.from('shopwatch-probe');

function request() {
  const body = Buffer.alloc(2 + 2 + 4 + 2 + CLIENT_ID.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o); // api_key: Metadata
  o = body.writeInt16BE(4, o); // api_version
  o = body.writeInt32BE(CORRELATION_ID, o);
  o = body.writeInt16BE(CLIENT_ID.length, o);
  o += CLIENT_ID.copy(body, o);
  o = body.writeInt32BE(0, o); // topics: empty array (no topic metadata wanted)
  body.writeInt8(0, o); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function parse(frame) {
  let o = 0;
  const int16 = () => { const v = frame.readInt16BE(o); o += 2; return v; };
  const int32 = () => { const v = frame.readInt32BE(o); o += 4; return v; };
  const string = () => {
    const n = int16();
    if (n < 0) return null;
    const v = frame.toString('utf8', o, o + n);
    o += n;
    return v;
  };
  if (int32() !== CORRELATION_ID) throw new Error('unexpected correlation id');
  int32(); // throttle_time_ms
  const brokers = [];
  for (let n = int32(); n > 0; n--) {
    const nodeId = int32();
    const brokerHost = string();
    const brokerPort = int32();
    string(); // rack
    brokers.push({ nodeId, host: brokerHost, port: brokerPort });
  }
  const clusterId = string();
  const controllerId = int32();
  return { brokers, clusterId, controllerId };
}

function fail(message) {
  process.stderr.write(`kafka probe ${host}:${port}: ${message}\n`);
  process.exit(1);
}

const socket = net.connect({ host, port });
socket.setTimeout(3000, () => fail('no answer within 3 s'));
socket.on('error', (error) => fail(error.message));
socket.on('close', () => fail('connection closed before a complete answer'));
socket.on('connect', () => socket.write(request()));
let received = Buffer.alloc(0);
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
  try {
    const metadata = parse(received.subarray(4, 4 + received.readInt32BE(0)));
    const self = metadata.brokers.find((b) => b.port === port);
    if (!self) fail(`broker not registered yet (brokers: ${JSON.stringify(metadata.brokers)})`);
    if (metadata.controllerId < 0) fail('no active controller yet');
    process.stdout.write(`kafka ok: cluster ${metadata.clusterId}, broker ${self.nodeId} at ${self.host}:${self.port}, controller ${metadata.controllerId}\n`);
    process.exit(0);
  } catch (error) {
    fail(`unreadable answer: ${error instanceof Error ? error.message : String(error)}`);
  }
});
