import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '.causeway/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Library code logs through the injected logger and never exits; only the CLI entry may.
    files: ['sdk/src/**/*.ts', 'protocol/src/**/*.ts', 'relay/src/**/*.ts', 'host/src/**/*.ts', 'connectors/*/src/**/*.ts', 'auth-providers/*/src/**/*.ts', 'spoolers/*/src/**/*.ts', 'transports/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'host/src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Library code never exits; throw a coded error.' }],
    },
  },
);
