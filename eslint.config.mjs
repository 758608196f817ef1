// Lint: TypeScript-aware recommended rules, plus the project's own money rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import architecture from './tools/eslint-plugin-architecture.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { project: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Yuan never passes through binary floating point.
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Money is parsed with Money.of / decimal.js, never parseFloat.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Number', property: 'parseFloat', message: 'Money is parsed with Money.of / decimal.js.' },
      ],
    },
  },
  {
    // Who owns what (docs/architecture.md): SQL in repositories, policy in a pure src/domain,
    // modules reached through their index.ts, refusals decided by the domain.
    files: ['src/**/*.ts'],
    plugins: { architecture },
    rules: {
      'architecture/sql-in-repositories': 'error',
      'architecture/pure-domain': 'error',
      'architecture/module-public-surface': 'error',
      'architecture/refusals-in-domain': 'error',
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
