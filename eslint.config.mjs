// Lint: typescript-eslint's recommended rules plus the layer boundary of DESIGN.md:
// `vscode` only under src/extension; neither `vscode` nor fs/path under src/core.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'node:fs', 'node:path', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'os', 'node:os'];

export default tseslint.config(
  { ignores: ['test/spec-with-summary.cjs', 'dist/**', 'dist-test/**', 'node_modules/**', 'grammars/**', 'test/fixtures/**', 'test/vscode/workspace/**', 'examples/**', '.vscode-test/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only src/extension may import vscode.' }] }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/languages/**/*.ts', 'src/rules/**/*.ts', 'src/reporters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'Only src/extension may import vscode.' },
          ...nodeBuiltins.map((name) => ({ name, message: 'The engine, rules and reporters never touch the disk: go through the Host.' })),
        ],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
