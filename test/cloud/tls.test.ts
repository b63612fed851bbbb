/**
 * The certificates devices see: both the gateway and the broker serve the full chain (leaf, then CA) with
 * subject and authority key identifiers and a SAN for localhost and 127.0.0.1, and the printed CA file
 * verifies both (what Moddable's TLS needs; checked here with openssl and node:tls, independently).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { startCloud, type RunningCloud } from '../../host-sim/cloud/index.js';

function peerChain(url: string, ca: string, host: string, servername: string): Promise<{ authorized: boolean; error?: string; chain: X509Certificate[] }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), ca, servername, rejectUnauthorized: false }, () => {
      const chain: X509Certificate[] = [];
      let cert: DetailedPeerCertificate | PeerCertificate | undefined = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        chain.push(new X509Certificate(cert.raw));
        cert = (cert as DetailedPeerCertificate).issuerCertificate;
      }
      const result = { authorized: socket.authorized, chain, ...(socket.authorizationError ? { error: String(socket.authorizationError) } : {}) };
      socket.end();
      resolve(result);
    });
    socket.on('error', reject);
  });
}

/** Runs openssl asynchronously (the server under test lives in this process, so no execFileSync). */
function openssl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks).toString()));
    child.stdin.end();
  });
}

/** The certificates the server actually sends, in order, as openssl s_client -showcerts prints them. */
async function servedCertificates(url: string, caPath: string): Promise<{ pems: string[]; verify: string }> {
  const { port } = new URL(url);
  const out = await openssl(['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caPath, '-showcerts', '-verify_hostname', 'localhost']);
  const pems = out.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const verify = /Verify return code: (\d+ \([^)]*\))/.exec(out)?.[1] ?? 'none';
  return { pems, verify };
}

describe('cloud TLS: what a device sees', function () {
  this.timeout(60_000);
  let cloud: RunningCloud;
  before(async () => {
    cloud = await startCloud({ products: { products: [{ productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', authMode: 'KEY', dynamicRegistration: 'auto' }] } });
  });
  after(async () => cloud?.close());

  it('reports https://localhost:<port>, mqtts://localhost:<port> and an absolute CA path holding caPem', () => {
    assert.match(cloud.gateway, /^https:\/\/localhost:\d+$/);
    assert.match(cloud.broker, /^mqtts:\/\/localhost:\d+$/);
    assert.ok(cloud.ca.startsWith('/'));
    assert.equal(readFileSync(cloud.ca, 'utf8'), cloud.caPem);
  });

  for (const which of ['gateway', 'broker'] as const) {
    it(`the ${which} serves leaf then CA, verified by the CA file (openssl, host name checked)`, async () => {
      const { pems, verify } = await servedCertificates(cloud[which], cloud.ca);
      assert.equal(verify, '0 (ok)');
      assert.equal(pems.length, 2, 'full chain: leaf and CA');
      const [leaf, ca] = pems.map((pem) => new X509Certificate(pem));
      assert.equal(ca!.fingerprint256, new X509Certificate(cloud.caPem).fingerprint256, 'second is the CA itself');
      assert.ok(leaf!.checkIssued(ca!) && leaf!.verify(ca!.publicKey));
      assert.ok(!leaf!.ca && ca!.ca);
    });

    it(`the ${which}'s certificates carry SKI/AKI and a SAN for localhost and 127.0.0.1`, async () => {
      const { pems } = await servedCertificates(cloud[which], cloud.ca);
      for (const [i, pem] of pems.entries()) {
        const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem }).toString();
        const ski = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text)?.[1];
        const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
        assert.ok(ski, `certificate ${i} has a subject key identifier`);
        assert.ok(aki, `certificate ${i} has an authority key identifier`);
        if (i === 0) {
          const caText = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pems[1]! }).toString();
          assert.equal(aki, /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(caText)?.[1], 'leaf AKI = CA SKI');
          assert.match(text, /DNS:localhost/);
          assert.match(text, /IP Address:127\.0\.0\.1/);
          assert.match(text, /RSA Public-Key: \(2048 bit\)|Public-Key: \(2048 bit\)/);
        }
      }
    });

    it(`the ${which} verifies for "localhost" and for 127.0.0.1 with node:tls, and not for another name`, async () => {
      const byName = await peerChain(cloud[which], cloud.caPem, '127.0.0.1', 'localhost');
      assert.ok(byName.authorized, byName.error);
      assert.equal(byName.chain.length, 2);
      const leaf = byName.chain[0]!;
      assert.equal(leaf.checkHost('localhost'), 'localhost');
      assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(leaf.checkHost('gateway.tencentdevices.com'), undefined);
    });
  }

  it('a client that trusts another CA is refused by TLS', async () => {
    const other = execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=other', '-days', '1'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const result = await peerChain(cloud.gateway, other, '127.0.0.1', 'localhost');
    assert.equal(result.authorized, false);
  });
});
