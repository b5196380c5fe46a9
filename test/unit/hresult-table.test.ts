import fc from 'fast-check';
import { decode, HRESULT, hresultOf, knownHresults, parseHresult, symbolsOf, toHex, toSigned } from '../../lib/hresult';
import KNOWN_VALUES from '../../lib/hresult-known.json';
import TABLE from '../../lib/hresult-table.json';
import WSB_CODES from '../../lib/wsb-codes.json';

const rows = TABLE.codes.map((line) => {
  const [hex, ...names] = line.split(' ');
  return { hex, value: Number.parseInt(hex, 16), names };
});

describe('the generated HRESULT table', () => {
  test('has one line per value, in ascending order, each with at least one name', () => {
    expect(rows.length).toBeGreaterThan(3500);
    const bad = rows.filter(
      (row, i) => !/^[0-9A-F]{8}$/.test(row.hex) || row.names.length === 0 || (i > 0 && row.value <= rows[i - 1].value),
    );
    expect(bad).toEqual([]);
  });

  test('gives every name one value, whatever its case', () => {
    const names = rows.flatMap((row) => row.names.map((name) => name.toUpperCase()));
    expect(new Set(names).size).toBe(names.length);
  });

  test.each([
    ['ERROR_FILE_NOT_FOUND', 0x80070002],
    ['VSS_E_UNEXPECTED_PROVIDER_ERROR', 0x8004230f],
    ['E_NOT_SUFFICIENT_BUFFER', 0x8007007a], // HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)
    ['WSAEINTR', 0x80072714], // (WSABASEERR + 4), WSABASEERR 10000
    ['ERROR_FLT_NO_HANDLER_DEFINED', 0x801f0001], // from fltwinerror.h, which winerror.h includes
    ['VSS_S_ASYNC_PENDING', 0x00042309],
    ['ERROR_SUCCESS', 0],
    ['WSBAPP_ASYNC_IN_PROGRESS', 0x407a0004], // the WSB SDK's codes, from lib/wsb-codes.json
    ['WSBAPP_ASYNC_IN_PROGRESS_METADATA', 0x007a0004],
  ])('knows %s', (symbol, value) => {
    expect(hresultOf(symbol)).toBe(value);
    expect(symbolsOf(value)).toContain(symbol);
  });

  test('leaves out range markers, bases, masks, facilities and severities', () => {
    for (const notACode of [
      'OLE_E_FIRST',
      'XACT_E_LAST',
      'DNS_ERROR_RESPONSE_CODES_BASE',
      'DNS_ERROR_MASK',
      'FACILITY_WIN32',
      'SEVERITY_ERROR',
      'WSABASEERR',
    ]) {
      expect(hresultOf(notACode)).toBeUndefined();
    }
  });

  describe('collision rule: the name a value is shown with', () => {
    test('(1) a code of the project list leads its line, over earlier header names (SEC_E_OK, ERROR_SUCCESS)', () => {
      for (const { symbol, hresult } of knownHresults()) expect(symbolsOf(hresult)[0]).toBe(symbol);
      expect(symbolsOf(0)).toEqual(expect.arrayContaining(['S_OK', 'SEC_E_OK', 'ERROR_SUCCESS', 'NO_ERROR', 'NOERROR']));
      expect(decode(0).symbol).toBe('S_OK');
    });

    test('(2) a name defined as an HRESULT leads one defined as a Win32 error', () => {
      expect(symbolsOf(0x80070006)).toEqual(['E_HANDLE', 'ERROR_INVALID_HANDLE']);
      expect(symbolsOf(0x8007007a)).toEqual(['E_NOT_SUFFICIENT_BUFFER', 'ERROR_INSUFFICIENT_BUFFER']);
    });

    test('(3) a direct definition leads an alias; the others follow in header order', () => {
      expect(symbolsOf(0x80072521)).toEqual(['DNS_ERROR_UNSECURE_PACKET', 'DNS_STATUS_PACKET_UNSECURE']);
      expect(symbolsOf(0x8007000e)).toEqual(['E_OUTOFMEMORY', 'ERROR_OUTOFMEMORY', 'DNS_ERROR_NO_MEMORY']);
    });

    test('every name still parses to its value', () => {
      for (const name of symbolsOf(0x80070005)) expect(parseHresult(name)).toBe(0x80070005);
    });
  });
});

describe('parse and format round trips', () => {
  test('every name of the table parses to its value, in any case, and the value is shown with the first name', () => {
    const wrong = rows.filter(
      ({ value, names }) =>
        names.some((name) => parseHresult(name) !== value || parseHresult(name.toLowerCase()) !== value) ||
        decode(value).symbol !== names[0] ||
        symbolsOf(value).join(' ') !== names.join(' '),
    );
    expect(wrong).toEqual([]);
  });

  test('hex, unsigned and signed decimal spellings of any value parse back to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(parseHresult(toHex(v))).toBe(v);
        expect(parseHresult(String(v))).toBe(v);
        expect(parseHresult(String(toSigned(v)))).toBe(v);
        expect(parseHresult(` ${toHex(v).toLowerCase()} `)).toBe(v);
      }),
    );
  });

  test('a value the table lacks has no symbol', () => {
    expect(symbolsOf(0x8123abcd)).toEqual([]);
    expect(decode(0x8123abcd).symbol).toBeUndefined();
  });

  test.each([
    ['NO_SUCH_CODE', /^status: unknown HRESULT symbol "NO_SUCH_CODE"$/, 'ERR_INVALID_ARG_VALUE'],
    ['E_FAIL E_ABORT', /unknown HRESULT symbol/, 'ERR_INVALID_ARG_VALUE'],
    ['0x123456789', /unknown HRESULT symbol/, 'ERR_INVALID_ARG_VALUE'],
    ['', /^status must be an HRESULT/, 'ERR_INVALID_ARG_VALUE'],
    [null, /^status must be an HRESULT .*got null$/, 'ERR_INVALID_ARG_TYPE'],
    [{ hresult: 5 }, /^status must be an HRESULT/, 'ERR_INVALID_ARG_TYPE'],
  ])('rejects %j with a TypeError naming the field, with a code', (value, message, code) => {
    expect(() => parseHresult(value, 'status')).toThrow(TypeError);
    expect(() => parseHresult(value, 'status')).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  test('rejects a number that is not a 32-bit integer with a RangeError with a code', () => {
    expect(() => parseHresult(2 ** 32, 'status')).toThrow(
      expect.objectContaining({
        name: 'RangeError',
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringMatching(/^status must be a 32-bit integer/),
      }),
    );
    expect(() => parseHresult('4294967296', 'status')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  test('a name matches whole, never as a prefix or a suffix of another', () => {
    expect(hresultOf('E_FAI')).toBeUndefined();
    expect(hresultOf('FAIL')).toBeUndefined();
    expect(hresultOf('ERROR_FILE_NOT')).toBeUndefined();
  });
});

describe('the codes a WSB client meets', () => {
  test('HRESULT has one constant per code of lib/wsb-codes.json, with the value the generated table gives', () => {
    expect(Object.keys(HRESULT)).toEqual(Object.keys(WSB_CODES));
    expect(Object.keys(KNOWN_VALUES.values)).toEqual(Object.keys(WSB_CODES));
    for (const [symbol, value] of Object.entries(HRESULT)) {
      expect(rows.find((row) => row.value === value)?.names[0]).toBe(symbol);
      expect(parseHresult(symbol)).toBe(value);
    }
    expect(Object.isFrozen(HRESULT)).toBe(true);
  });

  test('parseHresult accepts WSBAPP_ASYNC_IN_PROGRESS_METADATA', () => {
    expect(parseHresult('WSBAPP_ASYNC_IN_PROGRESS_METADATA')).toBe(0x007a0004);
    expect(HRESULT.WSBAPP_ASYNC_IN_PROGRESS_METADATA).toBe(0x007a0004);
  });

  test('only the WSB SDK codes, which mingw-w64 lacks, carry their own value in the project list', () => {
    const withValue = Object.entries(WSB_CODES).filter(([, entry]) => 'hresult' in entry);
    expect(withValue.map(([symbol]) => symbol.startsWith('WSBAPP_'))).not.toContain(false);
    expect(withValue.map(([symbol]) => symbol).sort()).toEqual(
      Object.keys(WSB_CODES)
        .filter((symbol) => symbol.startsWith('WSBAPP_'))
        .sort(),
    );
  });
});
