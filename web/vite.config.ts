import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API serves the built console at `/`; in development Vite proxies the API to it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' } },
});
