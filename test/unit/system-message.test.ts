import type { NativeBinding } from '../../lib/backends/load';
import { systemMessageOf } from '../../lib/backends/system-message';

const FILE_NOT_FOUND = 'The system cannot find the file specified.';

function bindingSaying(text: string): () => NativeBinding {
  return () => ({
    createMockRuntime: () => {
      throw new Error('not used');
    },
    systemMessage: () => text,
    queryStatusBatch: () => {},
  });
}

describe('systemMessageOf', () => {
  test("on Windows gives the addon's FormatMessage text", () => {
    expect(systemMessageOf(0x80070002, 'win32', bindingSaying(FILE_NOT_FOUND))).toBe(FILE_NOT_FOUND);
  });

  test('elsewhere loads nothing', () => {
    const load = jest.fn(bindingSaying('never'));
    expect(systemMessageOf(0x80070002, 'linux', load)).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
  });

  test('is undefined when Windows has no text, or the addon does not load', () => {
    expect(systemMessageOf(0x8123abcd, 'win32', bindingSaying(''))).toBeUndefined();
    const missing = () => {
      throw new Error('the wsbapp native addon could not be loaded');
    };
    expect(systemMessageOf(0x80070002, 'win32', missing)).toBeUndefined();
  });
});
