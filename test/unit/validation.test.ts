import fc from 'fast-check';
import {
  MAX_VOLUMES,
  checkConsistency,
  createMockBackend,
  isRollForwardSupported,
  orderComponents,
  preRestore,
  startConsistencyCheck,
  type MockBackend,
} from '../../lib';
import { requireVolumePath } from '../../lib/validate';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const VOLUME = '\\\\?\\Volume{6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9}\\';
const SHADOW = '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3\\';

let backend: MockBackend;
beforeEach(() => {
  backend = createMockBackend({ applications: [{ writerId: WRITER, identifier: 'Contoso' }] });
});
afterEach(() => {
  // Validation happens before the backend sees anything.
  expect(backend.calls).toEqual([]);
});

const check = (request: unknown, options: object = {}) => checkConsistency(request as never, { backend, ...options });

type Case = [string, unknown, object, RegExp, ErrorConstructor];
const requestCases: Case[] = [
  ['request not an object', 'Contoso', {}, /request must be an object, got "Contoso"/, TypeError],
  ['application of the wrong type', { application: 42 }, {}, /request\.application must be an object, got 42/, TypeError],
  ['empty application', { application: '' }, {}, /request\.application must not be empty/, RangeError],
  [
    'application over 256 units',
    { application: 'x'.repeat(257) },
    {},
    /request\.application is 257 UTF-16 units long; the limit is 256/,
    RangeError,
  ],
  [
    'writer id that is not a GUID',
    { application: { writerId: 'Contoso' } },
    {},
    /request\.application\.writerId must be a GUID.*got "Contoso"/,
    TypeError,
  ],
  ['CLSID that is not a GUID', { application: { clsid: '{nope}' } }, {}, /request\.application\.clsid must be a GUID/, TypeError],
  ['component of the wrong type', { application: 'Contoso', component: 7 }, {}, /request\.component must be a string, got 7/, TypeError],
  ['empty component', { application: 'Contoso', component: '' }, {}, /request\.component must not be empty/, RangeError],
  [
    'component with a NUL',
    { application: 'Contoso', component: 'db\0x' },
    {},
    /request\.component contains a NUL character at index 2/,
    RangeError,
  ],
  [
    'logical path over 32,767 units',
    { application: 'Contoso', logicalPath: 'p'.repeat(32_768) },
    {},
    /request\.logicalPath is 32768 UTF-16 units long; the limit is 32767/,
    RangeError,
  ],
  [
    'writer metadata with a NUL',
    { application: 'Contoso', writerMetadata: '<a>\0</a>' },
    {},
    /request\.writerMetadata contains a NUL/,
    RangeError,
  ],
  ['volumes not an array', { application: 'Contoso', volumes: VOLUME }, {}, /request\.volumes must be an array/, TypeError],
  [
    'unpaired volume',
    { application: 'Contoso', volumes: [{ source: VOLUME }] },
    {},
    /request\.volumes\[0\] is unpaired: it needs both source and snapshot/,
    TypeError,
  ],
  [
    'malformed volume path',
    { application: 'Contoso', volumes: [{ source: 'C:/data', snapshot: SHADOW }] },
    {},
    /request\.volumes\[0\]\.source must be a volume path.*got "C:\/data"/,
    RangeError,
  ],
  [
    'relative volume path',
    { application: 'Contoso', volumes: [{ source: VOLUME, snapshot: 'shadow' }] },
    {},
    /request\.volumes\[0\]\.snapshot must be a volume path/,
    RangeError,
  ],
  [
    'repeated source volume',
    {
      application: 'Contoso',
      volumes: [
        { source: VOLUME, snapshot: SHADOW },
        { source: VOLUME.toLowerCase(), snapshot: SHADOW },
      ],
    },
    {},
    /request\.volumes\[1\]\.source repeats volume/,
    RangeError,
  ],
  [
    'too many volumes',
    {
      application: 'Contoso',
      volumes: Array.from({ length: MAX_VOLUMES + 1 }, (_, i) => ({
        source: `\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy${i}\\`,
        snapshot: SHADOW,
      })),
    },
    {},
    /request\.volumes has 65 pairs; the maximum is 64/,
    RangeError,
  ],
  [
    'NaN interval',
    { application: 'Contoso' },
    { interval: Number.NaN },
    /options\.interval must be a finite number of milliseconds.*got NaN/,
    RangeError,
  ],
  ['negative timeout', { application: 'Contoso' }, { timeout: -1 }, /options\.timeout must be a finite number.*got -1/, RangeError],
  [
    'infinite timeout',
    { application: 'Contoso' },
    { timeout: Infinity },
    /options\.timeout must be a finite number.*got Infinity/,
    RangeError,
  ],
  [
    'string interval',
    { application: 'Contoso' },
    { interval: '10' },
    /options\.interval must be a number of milliseconds, got "10"/,
    TypeError,
  ],
  [
    'cap below the interval',
    { application: 'Contoso' },
    { interval: 500, maxInterval: 100 },
    /options\.maxInterval \(100\) must not be less than options\.interval \(500\)/,
    RangeError,
  ],
  [
    'backoff below 1',
    { application: 'Contoso' },
    { backoff: 0.5 },
    /options\.backoff must be a finite number in \[1, 100\], got 0\.5/,
    RangeError,
  ],
  [
    'signal that is not an AbortSignal',
    { application: 'Contoso' },
    { signal: {} },
    /options\.signal must be an AbortSignal, got an object/,
    TypeError,
  ],
  [
    'onStatus that is not a function',
    { application: 'Contoso' },
    { onStatus: 'log' },
    /options\.onStatus must be a function, got "log"/,
    TypeError,
  ],
  [
    'unknown backend name',
    { application: 'Contoso' },
    { backend: 'sqlite' },
    /options\.backend must be one of native, mock, native-mock, got "sqlite"/,
    TypeError,
  ],
];

test.each(requestCases)('%s is refused with a clear error', async (_name, request, options, message, type) => {
  const error = await check(request, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
});

test.each(requestCases.filter(([, , options]) => Object.keys(options).length === 0))(
  '%s carries a Node error code',
  async (_name, request) => {
    const error = await check(request).catch((e: unknown) => e);
    expect(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE']).toContain((error as { code?: unknown }).code);
  },
);

describe('unknown keys in requests', () => {
  const unknownKey = (message: string) => expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message });

  test('a check request', async () => {
    await expect(check({ application: 'Contoso', compnent: 'db' })).rejects.toEqual(
      unknownKey("unknown key in request 'compnent' (did you mean 'component'?)"),
    );
  });

  test('a volume pair', async () => {
    await expect(check({ application: 'Contoso', volumes: [{ source: VOLUME, snapshot: SHADOW, snapshop: SHADOW }] })).rejects.toEqual(
      unknownKey("unknown key in request.volumes[0] 'snapshop' (did you mean 'snapshot'?)"),
    );
  });

  test('an application selector', async () => {
    await expect(check({ application: { identifer: 'Contoso' } })).rejects.toEqual(
      unknownKey("unknown key in request.application 'identifer' (did you mean 'identifier'?)"),
    );
  });

  test('a restore request', async () => {
    await expect(preRestore('Contoso', { component: 'db', noRolForward: true } as never, { backend })).rejects.toEqual(
      unknownKey("unknown key in request 'noRolForward' (did you mean 'noRollForward'?)"),
    );
  });

  test('a component to order', async () => {
    await expect(orderComponents('Contoso', [{ name: 'db', logicalpath: 'x' } as never], { backend })).rejects.toEqual(
      unknownKey("unknown key in components[0] 'logicalpath' (did you mean 'logicalPath'?)"),
    );
  });

  test('a key far from every valid one lists them', async () => {
    await expect(check({ application: 'Contoso', colour: 'red' })).rejects.toThrow(
      /unknown key in request 'colour'; valid keys: 'application', 'component'/,
    );
  });
});

test('startConsistencyCheck validates the same way', async () => {
  await expect(startConsistencyCheck({ application: 'Contoso', component: 'a\0' }, { backend })).rejects.toThrow(
    /request\.component contains a NUL/,
  );
});

test('restore calls validate their arguments before activating', async () => {
  await expect(preRestore('Contoso', { component: 'db', noRollForward: 'yes' as never }, { backend })).rejects.toThrow(
    /request\.noRollForward must be a boolean, got "yes"/,
  );
  await expect(orderComponents('Contoso', [], { backend })).rejects.toThrow(/components must hold 1 to 4096 components, got 0/);
  await expect(orderComponents('Contoso', [{ name: 'db', logicalPath: 3 } as never], { backend })).rejects.toThrow(
    /components\[0\]\.logicalPath must be a string, got 3/,
  );
  await expect(isRollForwardSupported({ writerId: 'x' }, { backend })).rejects.toThrow(/application\.writerId must be a GUID/);
});

describe('volume paths', () => {
  test.each([
    [VOLUME, VOLUME],
    [VOLUME.slice(0, -1), VOLUME],
    [SHADOW, SHADOW],
    ['C:', 'C:\\'],
    ['d:\\', 'd:\\'],
    ['C:\\mnt\\data', 'C:\\mnt\\data\\'],
  ])('accepts %s as %s', (input, expected) => {
    expect(requireVolumePath(input, 'v')).toBe(expected);
  });

  test.each([
    '\\\\server\\share\\',
    'C:/',
    '/dev/sda1',
    'Volume{6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9}',
    '\\\\?\\Volume{nope}\\',
    'C:\\a|b\\',
  ])('rejects %s', (input) => {
    expect(() => requireVolumePath(input, 'v')).toThrow(RangeError);
  });
});

describe('properties', () => {
  test('any string with a NUL is refused, naming the field and the index', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), async (before, after) => {
        const error = await check({ application: 'Contoso', component: `${before}\0${after}` }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toContain(
          `request.component contains a NUL character at index ${before.indexOf('\0') >= 0 ? before.indexOf('\0') : before.length}`,
        );
      }),
    );
  });

  test('any non-finite or non-positive duration is refused', async () => {
    const bad = fc.oneof(
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 0),
      fc.double({ max: 0, noNaN: true }),
      fc.double({ min: 2 ** 31, noNaN: true }),
    );
    await fc.assert(
      fc.asyncProperty(bad, fc.constantFrom('interval', 'timeout', 'maxInterval', 'abortTimeout'), async (value, field) => {
        await expect(check({ application: 'Contoso' }, { [field]: value })).rejects.toThrow(
          new RegExp(`options\\.${field} must be a finite number`),
        );
      }),
    );
  });

  test('any string that is not a GUID is refused as a writer id', async () => {
    const notGuid = fc
      .string({ minLength: 1, maxLength: 40 })
      .filter((s) => !/^\{?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\}?$/i.test(s) && !s.includes('\0'));
    await fc.assert(
      fc.asyncProperty(notGuid, async (id) => {
        await expect(check({ application: { writerId: id } })).rejects.toThrow(/writerId must be a GUID/);
      }),
    );
  });

  test('any valid GUID spelling names the same writer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uuid(), fc.boolean(), fc.boolean(), async (uuid, braces, upper) => {
        const spelled = upper ? uuid.toUpperCase() : uuid;
        const other = createMockBackend({
          applications: [{ writerId: uuid, identifier: 'X', components: { '*': { check: 'no-async' } } }],
        });
        const result = await checkConsistency({ application: { writerId: braces ? `{${spelled}}` : spelled } }, { backend: other });
        expect(result.application.writerId).toBe(`{${uuid.toUpperCase()}}`);
      }),
      { numRuns: 30 },
    );
  });
});
