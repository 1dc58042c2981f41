// Bench helpers: the testkit's database and infra helpers, and a free loopback port.
import { createServer } from 'node:net';
export { createTestDatabase, infraEnv } from '@shopwatch/testkit';

export async function freePortFor(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
