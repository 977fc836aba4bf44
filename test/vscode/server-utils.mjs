// Shared by the code-server runners (run-code-server.mjs, ui/run-ui.mjs): a free local port, and waiting for the
// VS Code server to answer.
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => res(p));
    });
  });
}

/** True once `${url}/version` answers, false after `limitMs`. */
export async function waitForVersion(url, limitMs) {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/version`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return true;
    } catch {
      /* not listening yet */
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return false;
}
