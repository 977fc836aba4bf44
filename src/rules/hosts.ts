/** Host checks shared by the transmission rules: which targets are local or reserved for testing. */

/** Hosts that never leave the machine or are reserved for documentation and tests (RFC 2606, RFC 6761). */
export function isLocalOrReservedHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === '' || h === 'localhost' || h === '::1' || h === '0.0.0.0' || h === 'host.docker.internal') return true;
  if (/^127(\.\d{1,3}){3}$/.test(h)) return true;
  if (/\.(localhost|local|test|example|invalid|internal)$/.test(h)) return true;
  if (/^(.*\.)?example\.(com|org|net)$/.test(h)) return true;
  return false;
}

/** The host of a URL-ish string (`http://user@host:8080/x` → `host`), or undefined. */
export function hostOf(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url);
  return m ? m[1] : undefined;
}

/** True when `host` matches one of the patterns (`api.partner.com`, `*.partner.com`). */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) => {
    const q = p.toLowerCase().trim();
    if (q.startsWith('*.')) return h.endsWith(q.slice(1)) || h === q.slice(2);
    return h === q;
  });
}
