import { defineConfig } from 'vitest/config';

// One `vitest run` runs every project; `npm test` runs it after `npm run verify` and the environment check.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['test/gpu/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/gpu/setup.ts'],
          testTimeout: 120_000,
          // Dawn and SwiftShader in one process: parallel files would fight over the two cores.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'torch',
          include: ['test/torch/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/torch/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
