/** binding.systemMessage(hresult): checked again in C++, and empty off Windows (no message tables). */
import { loadBinding } from '../../lib/backends/load';

const binding = loadBinding();

test('gives no text off Windows, for any spelling of a code', () => {
  expect(binding.systemMessage(0x80070002)).toBe('');
  expect(binding.systemMessage(-2147024894)).toBe('');
  expect(binding.systemMessage(0)).toBe('');
});

test.each([
  ['a string', '0x80070002', 'TypeError', /hresult must be a number/],
  ['nothing', undefined, 'TypeError', /hresult must be a number/],
  ['a fraction', 1.5, 'RangeError', /hresult must be a 32-bit integer/],
  ['2^32', 2 ** 32, 'RangeError', /32-bit integer/],
  ['below -2^31', -(2 ** 31) - 1, 'RangeError', /32-bit integer/],
  ['NaN', Number.NaN, 'RangeError', /32-bit integer/],
])('refuses %s', (_what, value, name, message) => {
  // By name: the addon's errors come from the main realm, not jest's sandbox.
  expect(() => (binding.systemMessage as (value: unknown) => string)(value)).toThrow(
    expect.objectContaining({ name, message: expect.stringMatching(message) }),
  );
});
