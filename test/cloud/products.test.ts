/** The products file: accepted shapes, and refusals that name the bad field (never echo a secret). */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProductsFile, parseProducts, ProductsFileError, startCloud } from '../../host-sim/cloud/index.js';
import { WHOLE_FILE } from '../../host-sim/cloud/products.js';

const good = { productId: 'K7QW2ZP4XA', productSecret: 'mR4tQ8zLw2Vn6YpC1sHb9dKf', authMode: 'KEY', dynamicRegistration: 'auto', registerLimit: 1000, devices: ['sensor-0001'] };

function refusedField(input: unknown): string {
  try {
    parseProducts(input);
  } catch (error) {
    assert.ok(error instanceof ProductsFileError, String(error));
    assert.ok(!error.message.includes(good.productSecret), 'the message never holds the secret');
    if (error.field !== WHOLE_FILE) assert.ok(error.message.includes(error.field), 'the message names the field');
    return error.field;
  }
  assert.fail('accepted');
}

describe('cloud products file', () => {
  it('accepts the documented example, with and without the optional fields', () => {
    const parsed = parseProducts({ products: [good] });
    assert.equal(parsed.products[0]!.registerLimit, 1000);
    assert.deepEqual(parsed.products[0]!.devices, ['sensor-0001']);
    const minimal = parseProducts({ products: [{ productId: 'B2C3D4E5F6', productSecret: 'T0pS3cr3tPr0duct5ecretXYZ12', authMode: 'CERT', dynamicRegistration: 'precreated' }] });
    assert.equal(minimal.products[0]!.registerLimit, undefined, 'default unlimited');
    assert.deepEqual(minimal.products[0]!.devices, []);
    assert.deepEqual(parseProducts(JSON.stringify({ products: [good] })), parsed, 'JSON text works too');
  });

  const cases: Array<[string, unknown, string]> = [
    ['not an object', [], '(top level)'],
    ['no products array', { product: [good] }, 'products'],
    ['an empty products array', { products: [] }, 'products'],
    ['a product that is not an object', { products: ['x'] }, 'products[0]'],
    ['a missing productId', { products: [{ ...good, productId: undefined }] }, 'products[0].productId'],
    ['a productId with a slash', { products: [{ ...good, productId: 'AB/CD' }] }, 'products[0].productId'],
    ['a missing productSecret', { products: [{ ...good, productSecret: undefined }] }, 'products[0].productSecret'],
    ['a productSecret shorter than 16 (the AES key)', { products: [{ ...good, productSecret: 'short' }] }, 'products[0].productSecret'],
    ['an unknown authMode', { products: [{ ...good, authMode: 'PSK' }] }, 'products[0].authMode'],
    ['a lower-case authMode', { products: [{ ...good, authMode: 'key' }] }, 'products[0].authMode'],
    ['an unknown dynamicRegistration', { products: [{ ...good, dynamicRegistration: 'on' }] }, 'products[0].dynamicRegistration'],
    ['a negative registerLimit', { products: [{ ...good, registerLimit: -1 }] }, 'products[0].registerLimit'],
    ['a fractional registerLimit', { products: [{ ...good, registerLimit: 1.5 }] }, 'products[0].registerLimit'],
    ['a string registerLimit', { products: [{ ...good, registerLimit: '10' }] }, 'products[0].registerLimit'],
    ['devices not an array', { products: [{ ...good, devices: 'sensor-0001' }] }, 'products[0].devices'],
    ['an invalid device name', { products: [{ ...good, devices: ['ok', 'bad name'] }] }, 'products[0].devices[1]'],
    ['a repeated device name', { products: [{ ...good, devices: ['a', 'a'] }] }, 'products[0].devices[1]'],
    ['a repeated product', { products: [good, good] }, 'products[1].productId'],
    ['a misspelt field', { products: [{ ...good, registrationLimit: 3 }] }, 'products[0].registrationLimit'],
    ['a bad second product', { products: [good, { ...good, productId: 'OTHER', authMode: 'X' }] }, 'products[1].authMode'],
  ];
  for (const [what, input, field] of cases) {
    it(`refuses ${what}, naming ${field}`, () => {
      assert.equal(refusedField(input), field);
    });
  }

  it('refuses JSON that does not parse', () => {
    assert.equal(refusedField('{"products": ['), WHOLE_FILE);
    assert.throws(() => parseProducts('{"products": ['), { message: 'products file is not valid JSON' });
  });

  it('loadProductsFile reads a file, and refuses a missing one with a ProductsFileError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloud-products-test-'));
    try {
      const path = join(dir, 'products.json');
      writeFileSync(path, JSON.stringify({ products: [good] }));
      assert.equal((await loadProductsFile(path)).products[0]!.productId, 'K7QW2ZP4XA');
      await assert.rejects(loadProductsFile(join(dir, 'missing.json')), (error: unknown) => error instanceof ProductsFileError && /ENOENT/.test(error.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('startCloud validates its products too', async () => {
    await assert.rejects(startCloud({ products: { products: [{ ...good, authMode: 'NONE' }] } }), /products\[0\]\.authMode/);
  });
});
