// Lint for bugs, not taste (formatting is Prettier's): the JavaScript rules ESLint recommends
// (no-undef, no-unreachable, no-dupe-keys, ...) and typed typescript-eslint rules that find
// promises nobody awaits, misplaced awaits, unused code and "[object Object]" in messages.
// Not no-unnecessary-condition: without noUncheckedIndexedAccess it takes every `match[2] ?? x`
// and `array[0]?.x` for dead code. Typed rules read tsconfig.eslint.json,
// which adds the JavaScript files (scripts, benchmarks, bin, examples) to the TypeScript program.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // What .gitignore lists: builds, coverage, benchmark results, Wine prefixes and caches.
  { ignores: ['dist/', 'build/', 'build-win32*/', 'coverage/', 'bench/results/', '.wine/', '.wine-*/', '.cache/', 'prebuilds/'] },
  js.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection; an async callback where a void one is expected
      // (an event handler, Array#forEach) runs unawaited too.
      // node:test's test() and friends return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // `await` on a value that is not a promise is a sign the call is not what the author thought.
      '@typescript-eslint/await-thenable': 'error',
      // `return promise` inside try/catch skips the catch and the finally's ordering.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Throwing a non-Error loses the stack. (Not its twin for rejections: the poller rejects
      // with a StopRequested sentinel on purpose.)
      '@typescript-eslint/only-throw-error': 'error',
      // "[object Object]" in a message.
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // A switch over a union that forgets a member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // TypeScript checks these itself, better.
      'no-undef': 'off',
      'no-redeclare': 'off',
    },
  },
);
