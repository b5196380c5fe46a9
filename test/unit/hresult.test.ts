import fc from 'fast-check';
import {
  HRESULT,
  classifyStatus,
  decode,
  explain,
  fromWin32,
  hresultOf,
  isDisconnection,
  isFailure,
  isInProgress,
  knownHresults,
  toHex,
  toSigned,
  toUnsigned,
} from '../../lib/hresult';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe('decode', () => {
  test('signed and unsigned spellings of a value decode the same', () => {
    fc.assert(
      fc.property(u32, (v) => {
        expect(decode(v | 0)).toEqual(decode(v));
      }),
    );
  });

  test('fields put back together give the value', () => {
    fc.assert(
      fc.property(u32, (v) => {
        const d = decode(v);
        const rebuilt =
          ((d.severityBits << 30) |
            (d.customer ? 1 << 29 : 0) |
            (d.ntStatus ? 1 << 28 : 0) |
            (v & 0x08000000) |
            (d.facility << 16) |
            d.code) >>>
          0;
        expect(rebuilt).toBe(v);
        expect(d.failed).toBe(v >= 0x80000000);
        expect(d.hex).toMatch(/^0x[0-9A-F]{8}$/);
        expect(Number.parseInt(d.hex, 16)).toBe(v);
      }),
    );
  });

  test('HRESULT_FROM_WIN32 values give back their Win32 error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffff }), (error) => {
        const d = decode(fromWin32(error));
        expect(d.facilityName).toBe('WIN32');
        expect(d.win32Error).toBe(error);
      }),
    );
    expect(decode(HRESULT.E_ACCESSDENIED).win32Error).toBe(5);
    expect(decode(HRESULT.RPC_S_SERVER_UNAVAILABLE).win32Error).toBe(1722);
    expect(decode(HRESULT.E_FAIL).win32Error).toBeUndefined();
    expect(fromWin32(0)).toBe(0);
    expect(fromWin32(0x80004005)).toBe(0x80004005);
    expect(() => fromWin32(-1)).toThrow(RangeError);
  });

  test('names facilities, known or not', () => {
    expect(decode(0x807a0001)).toMatchObject({
      facility: 0x7a,
      facilityName: 'WSBAPP',
      code: 1,
      symbol: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED',
    });
    expect(decode(0x80010108)).toMatchObject({ facilityName: 'RPC', symbol: 'RPC_E_DISCONNECTED' });
    expect(decode(0x803f0001).facilityName).toBe('FACILITY_0x3F');
  });

  test('rejects values that are not 32-bit integers', () => {
    for (const bad of [Number.NaN, 1.5, 2 ** 32, -(2 ** 31) - 1, Infinity]) expect(() => decode(bad)).toThrow(RangeError);
    expect(() => toUnsigned('1' as unknown as number)).toThrow(/32-bit integer/);
  });

  test('hex, signed and unsigned conversions agree', () => {
    expect(toHex(-2147467259)).toBe('0x80004005');
    expect(toSigned(0x80004005)).toBe(-2147467259);
    expect(toUnsigned(-2147467259)).toBe(0x80004005);
  });
});

describe('the known-code table', () => {
  const reference = [
    0x807a0001, 0x807a0002, 0x807a0003, 0x407a0004, 0x007a0004, 0x80004004, 0x80004005, 0x80004001, 0x80004002, 0x80004003, 0x8000ffff,
    0x80070005, 0x8007000e, 0x80070057, 0x80040154, 0x80080005, 0x800401f0, 0x800401fd, 0x80010001, 0x8001010a, 0x80010002, 0x80010105,
    0x80010106, 0x80010108, 0x8001010e, 0x8001011f, 0x800706ba, 0x800706be, 0x800704c7, 0x800705b4, 0x80042301, 0x80042302, 0x80042308,
  ];

  test.each(reference.map((v) => [toHex(v), v]))('covers %s from the reference', (_hex, value) => {
    const d = decode(value);
    expect(d.symbol).toMatch(/^[A-Z_]+$/);
    expect(d.meaning).toBeTruthy();
  });

  test('has one entry per value, each with a symbol and a meaning', () => {
    const values = knownHresults().map((k) => k.hresult);
    expect(new Set(values).size).toBe(values.length);
    expect(hresultOf('WSBAPP_ASYNC_IN_PROGRESS')).toBe(0x407a0004);
    expect(hresultOf('NO_SUCH')).toBeUndefined();
  });
});

describe('classifyStatus', () => {
  test('both in-progress values are running, though SUCCEEDED() is true for them', () => {
    expect(classifyStatus(0x407a0004)).toBe('running');
    expect(classifyStatus(0x007a0004)).toBe('running');
    expect(isFailure(0x407a0004)).toBe(false);
  });

  test('in progress is exactly: not failed, facility WSBAPP, code 4', () => {
    fc.assert(
      fc.property(u32, (v) => {
        const expected = v < 0x80000000 && ((v >>> 16) & 0x7ff) === 0x7a && (v & 0xffff) === 4;
        expect(isInProgress(v)).toBe(expected);
      }),
    );
    expect(isInProgress(0x807a0004)).toBe(false);
    expect(isInProgress(0x407a0005)).toBe(false);
  });

  test('every value falls in exactly one state', () => {
    fc.assert(
      fc.property(u32, (v) => {
        const state = classifyStatus(v);
        if (v === 0) expect(state).toBe('succeeded');
        else if (v >= 0x80000000) expect(state).toBe('failed');
        else expect(['running', 'succeeded-undocumented']).toContain(state);
      }),
    );
  });

  test('disconnection codes are recognised', () => {
    for (const v of [0x800706ba, 0x800706be, 0x80010108, 0x800401fd]) expect(isDisconnection(v)).toBe(true);
    expect(isDisconnection(HRESULT.E_FAIL)).toBe(false);
  });
});

describe('explain', () => {
  test('says 0x407A0004 is in progress, not success', () => {
    const text = explain(0x407a0004);
    expect(text).toMatch(/^0x407A0004 \(WSBAPP_ASYNC_IN_PROGRESS\)/);
    expect(text).toMatch(/RUNNING, not done/);
  });

  test('reads well for known failures, unknown failures and unknown successes', () => {
    expect(explain(-2147023174)).toBe(
      '0x800706BA (RPC_S_SERVER_UNAVAILABLE) is a failure, facility WIN32 (0x7), code 1722, Win32 error 1722: the RPC server is unavailable: the add-in process died or cannot be reached.',
    );
    expect(explain(0x80aa0001)).toMatch(/not a code Windows or wsbapp defines; the operation or call failed/);
    expect(explain(0x80070002)).toMatch(
      /^0x80070002 \(ERROR_FILE_NOT_FOUND\) is a failure, .*Win32 error 2: a code Windows defines, with no WSB-specific meaning/,
    );
    expect(explain(0x00000002)).toMatch(/undocumented code/);
  });

  test('never throws for any 32-bit value', () => {
    fc.assert(fc.property(u32, (v) => expect(explain(v)).toMatch(/^0x[0-9A-F]{8}/)));
  });
});
