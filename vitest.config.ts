import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^#shared\/(.*)$/, replacement: r('./shared/$1') },
      { find: /^#local\/(.*)$/, replacement: r('./local/$1') },
    ],
  },
  test: {
    include: ['{functions,shared,local,test,scripts}/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
