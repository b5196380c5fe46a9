import {
  AbortedError,
  AccessDeniedError,
  AddinCallError,
  AddinDisconnectedError,
  CheckFailedError,
  HRESULT,
  InterfaceNotAvailableError,
  NotRegisteredError,
  OperationFailedError,
  RestoreFailedError,
  TimeoutError,
  WsbError,
  errorForCall,
  statusNotWrittenError,
} from '../../lib';
import { withTarget } from '../../lib/errors';

describe('errorForCall maps a failed call to its class', () => {
  test.each([
    [HRESULT.E_ACCESSDENIED, 'Activate', AccessDeniedError, 'ERR_WSB_ACCESS_DENIED'],
    [HRESULT.REGDB_E_CLASSNOTREG, 'Activate', NotRegisteredError, 'ERR_WSB_NOT_REGISTERED'],
    [HRESULT.RPC_S_SERVER_UNAVAILABLE, 'QueryStatus', AddinDisconnectedError, 'ERR_WSB_ADDIN_DISCONNECTED'],
    [HRESULT.RPC_S_CALL_FAILED, 'QueryStatus', AddinDisconnectedError, 'ERR_WSB_ADDIN_DISCONNECTED'],
    [HRESULT.RPC_E_DISCONNECTED, 'Abort', AddinDisconnectedError, 'ERR_WSB_ADDIN_DISCONNECTED'],
    [HRESULT.CO_E_OBJNOTCONNECTED, 'QueryStatus', AddinDisconnectedError, 'ERR_WSB_ADDIN_DISCONNECTED'],
    [HRESULT.E_NOINTERFACE, 'Activate', InterfaceNotAvailableError, 'ERR_WSB_NO_INTERFACE'],
    [HRESULT.WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED, 'PreRestore', RestoreFailedError, 'ERR_WSB_RESTORE_FAILED'],
    [HRESULT.WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED, 'CheckConsistency', CheckFailedError, 'ERR_WSB_CHECK_FAILED'],
    [HRESULT.E_FAIL, 'CheckConsistency', AddinCallError, 'ERR_WSB_ADDIN_CALL_FAILED'],
    [HRESULT.E_POINTER, 'QueryStatus', AddinCallError, 'ERR_WSB_ADDIN_CALL_FAILED'],
  ] as const)('%d from %s', (hresult, call, type, code) => {
    const error = errorForCall(call, hresult);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(WsbError);
    expect(error).toMatchObject({ code, hresult, call, name: type.name });
  });

  test('keeps the raw HRESULT unsigned, its hex, symbol, facility and the system text', () => {
    const error = errorForCall('QueryStatus', -2147023174, {
      systemMessage: 'The RPC server is unavailable.\r\n',
      context: 'application "Contoso"',
    });
    expect(error).toMatchObject({
      hresult: 0x800706ba,
      hex: '0x800706BA',
      symbol: 'RPC_S_SERVER_UNAVAILABLE',
      facility: 7,
      facilityName: 'WIN32',
      systemMessage: 'The RPC server is unavailable.\r\n',
    });
    expect(error.message).toBe(
      'the add-in disconnected or its process died (application "Contoso"): QueryStatus returned 0x800706BA RPC_S_SERVER_UNAVAILABLE: The RPC server is unavailable.',
    );
  });

  test('a failed operation and a failed call are different families', () => {
    expect(errorForCall('PostRestore', 0x807a0003)).toBeInstanceOf(OperationFailedError);
    expect(errorForCall('QueryStatus', HRESULT.RPC_E_DISCONNECTED)).not.toBeInstanceOf(OperationFailedError);
    expect(errorForCall('QueryStatus', HRESULT.RPC_E_DISCONNECTED)).toBeInstanceOf(AddinCallError);
  });
});

test('timeout and abort errors carry progress, and do not claim a call returned their code', () => {
  const stop = { elapsedMs: 1200, polls: 3, lastStatus: 0x407a0004, abortDelivered: true, abortHresult: 0 };
  const timeout = new TimeoutError({ ...stop, timeoutMs: 1000 });
  expect(timeout.message).toBe(
    'consistency check timed out (timeout 1000 ms) after 1200 ms (3 polls, last status 0x407A0004 WSBAPP_ASYNC_IN_PROGRESS, Abort returned 0x00000000 S_OK) [0x800705B4 ERROR_TIMEOUT]',
  );
  const aborted = new AbortedError({ ...stop, abortDelivered: false, abortHresult: undefined, reason: 'user' });
  expect(aborted).toMatchObject({ name: 'AbortError', code: 'ERR_WSB_ABORTED', hresult: HRESULT.E_ABORT, cause: 'user' });
  expect(aborted.message).toMatch(/Abort did not return in time/);
});

test('the abort error is recognisable as Node users expect: name AbortError, its own code kept', () => {
  const aborted = new AbortedError({ elapsedMs: 1, polls: 0, lastStatus: undefined, abortDelivered: false, abortHresult: undefined });
  expect(aborted.name).toBe('AbortError');
  expect(aborted).toBeInstanceOf(AbortedError);
  expect(aborted.code).toBe('ERR_WSB_ABORTED');
  expect(String(aborted)).toMatch(/^AbortError: consistency check aborted/);
});

test('an unwritten status is a protocol error', () => {
  expect(statusNotWrittenError()).toMatchObject({ code: 'ERR_WSB_ADDIN_PROTOCOL', hresult: 0, call: 'QueryStatus' });
});

describe('naming the target of a failed call', () => {
  it('puts the application and component in the message once', () => {
    const error = errorForCall('PreRestore', 0x80004005);
    expect(error.target).toBeUndefined();
    withTarget(error, 'application "Contoso", component "db"');
    withTarget(error, 'application "Other"');
    expect(error.target).toBe('application "Contoso", component "db"');
    expect(error.message).toBe('PreRestore failed for application "Contoso", component "db": PreRestore returned 0x80004005 E_FAIL');
  });

  it('passes anything that is not a WsbError through untouched', () => {
    const plain = new TypeError('x');
    expect(withTarget(plain, 'application "Contoso"')).toBe(plain);
    expect(plain.message).toBe('x');
  });
});
