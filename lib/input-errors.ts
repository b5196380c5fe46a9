/**
 * The errors of bad input, with Node's own codes, so callers can tell them apart without parsing
 * messages: `ERR_INVALID_ARG_TYPE` (wrong type), `ERR_INVALID_ARG_VALUE` (right type, a value or
 * key that is not allowed) and `ERR_OUT_OF_RANGE` (a number or length past its limit).
 */

/** A TypeError or RangeError carrying a Node-style `code`. */
export type InputError = (TypeError | RangeError) & { readonly code: InputErrorCode };

/** The codes bad input is reported with. */
export type InputErrorCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_OUT_OF_RANGE';

function coded<E extends TypeError | RangeError>(error: E, code: InputErrorCode): E & { readonly code: InputErrorCode } {
  return Object.defineProperty(error, 'code', { value: code, enumerable: true }) as E & { readonly code: InputErrorCode };
}

/** A value of the wrong type. */
export function invalidType(message: string): InputError {
  return coded(new TypeError(message), 'ERR_INVALID_ARG_TYPE');
}

/** A value (or key) of the right type that is not allowed. */
export function invalidValue(message: string): InputError {
  return coded(new TypeError(message), 'ERR_INVALID_ARG_VALUE');
}

/** A number or length outside its range. */
export function outOfRange(message: string): InputError {
  return coded(new RangeError(message), 'ERR_OUT_OF_RANGE');
}

/** True for an error this module made (any realm). */
export function isInputError(error: unknown): error is InputError {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (error instanceof TypeError || error instanceof RangeError) &&
    (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_OUT_OF_RANGE')
  );
}
