import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves dist/ at / (gateway/web_app.py); `npm run dev` proxies the API to it.
const gateway = process.env.IB_GATEWAY_URL ?? "http://127.0.0.1:8000";
const apiPaths = ["/interviews", "/uploads", "/prep-sessions", "/practice", "/me", "/auth", "/healthz"];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    proxy: {
      ...Object.fromEntries(apiPaths.map((path) => [path, gateway])),
      "/ws": { target: gateway.replace(/^http/, "ws"), ws: true },
    },
  },
});
