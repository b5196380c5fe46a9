/**
 * Jest's globals on node:test, so suites written for jest (test/contract/suite.ts) run under the
 * Windows node.exe in Wine, where jest itself cannot start (jest 30 needs the win32 build of
 * unrs-resolver, a native module npm did not install on Linux). Assertions are jest's own
 * standalone `expect` package (pure JS), so every matcher behaves exactly as under jest.
 *
 * Import it before anything that calls describe/test. Only what the suites use is mapped:
 * describe, test/it (with an optional per-test timeout), test.each, beforeEach, afterEach.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import { format } from 'node:util';
import { expect } from 'expect';

/** Jest's default of 5 s is too short for out-of-process activation under Wine; a hung test still ends. */
const DEFAULT_TEST_TIMEOUT_MS = 60_000;

type TestBody = () => unknown;

function test(name: string, body: TestBody, timeout = DEFAULT_TEST_TIMEOUT_MS): void {
  // A one-argument wrapper: node:test would take a body that declares a parameter for a
  // callback-style test and wait for the callback forever.
  // No keep-alive timer of its own, unlike jest's runner: node:test ends a test as "cancelled"
  // when the loop drains, so every suite here also checks that whatever the library awaits on
  // native work holds the process (issue 19).
  it(name, { timeout }, async () => {
    await body();
  });
}

/** `test.each(rows)(name, body)`: one test per row, the name formatted with the row (%s, %d, %j...). */
test.each =
  <Row>(rows: readonly Row[]) =>
  (name: string, body: (...args: unknown[]) => unknown, timeout?: number): void => {
    for (const row of rows) {
      const args: unknown[] = Array.isArray(row) ? row : [row];
      test(format(name, ...args), () => body(...args), timeout);
    }
  };

Object.assign(globalThis, {
  describe: (name: string, body: () => void) => describe(name, () => body()),
  test,
  it: test,
  beforeEach: (body: TestBody) =>
    beforeEach(async () => {
      await body();
    }),
  afterEach: (body: TestBody) =>
    afterEach(async () => {
      await body();
    }),
  expect,
});
