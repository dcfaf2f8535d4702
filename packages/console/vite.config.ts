/**
 * The console's build: Vite bundles `src/main.tsx` into `dist/`, which the server serves at `/`.
 * JSX goes through Vite's own transform (no plugin needed); the dev server proxies `/api` to a
 * running `dlt start`.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server: { proxy: { '/api': process.env.DLT_URL ?? 'http://127.0.0.1:8080' } },
});
