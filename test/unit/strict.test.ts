import { isInputError } from '../../lib/input-errors';
import { nearestKey, rejectUnknownKeys } from '../../lib/strict';

describe('rejectUnknownKeys', () => {
  const allowed = ['interval', 'maxInterval', 'backoff', 'timeout', 'signal'];

  it('accepts an object of known keys', () => {
    expect(() => rejectUnknownKeys({ interval: 1, timeout: 2 }, allowed, 'option')).not.toThrow();
  });

  it('names the unknown key and the nearest valid one', () => {
    expect(() => rejectUnknownKeys({ intervl: 1 }, allowed, 'option')).toThrow("unknown option 'intervl' (did you mean 'interval'?)");
    expect(() => rejectUnknownKeys({ timeOut: 1 }, allowed, 'option')).toThrow("(did you mean 'timeout'?)");
  });

  it('lists the valid keys when nothing is near', () => {
    expect(() => rejectUnknownKeys({ colour: 'red' }, allowed, 'option')).toThrow(/valid keys: 'interval', 'maxInterval'/);
  });

  it('throws a TypeError coded ERR_INVALID_ARG_VALUE', () => {
    let caught: unknown;
    try {
      rejectUnknownKeys({ statuss: [] }, ['statuses'], 'key at scenario.components.db');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: "unknown key at scenario.components.db 'statuss' (did you mean 'statuses'?)",
    });
    expect(isInputError(caught)).toBe(true);
  });
});

describe('nearestKey', () => {
  it('takes the closest candidate within a third of the length', () => {
    expect(nearestKey('activaton', ['activation', 'action'])).toBe('activation');
    expect(nearestKey('compnent', ['component', 'logicalPath'])).toBe('component');
    expect(nearestKey('xyz', ['component'])).toBeUndefined();
  });
});
