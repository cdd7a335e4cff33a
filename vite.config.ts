import { defineConfig } from 'vite';

export default defineConfig({
  server: { host: '127.0.0.1' },
  build: {
    target: 'es2022',
    outDir: 'dist/app', // dist/ itself is the npm package's (vite.lib.config.ts)
    // The app's pages: the sandbox, the checkpoint tools (fusion, loss along a line), the tutorial.
    rollupOptions: { input: { main: 'index.html', tools: 'tools.html', tutorial: 'tutorial.html' } },
  },
});
