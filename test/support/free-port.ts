/**
 * A TCP port on loopback that was free a moment ago: bound to port 0, then released. Tests use it for an
 * address where nothing listens (a refused connection), and for a server whose port must be known before it
 * starts (a firmware build takes it as config). Nothing else on this machine binds ephemeral ports between.
 */
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
