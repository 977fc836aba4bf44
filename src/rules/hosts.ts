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

/** A host that is not known statically: empty, a template placeholder (`%s`, `{}`, `${…}`) or cut off (`api.`). */
export function isPlaceholderHost(host: string): boolean {
  return host === '' || /[%{}$<>*\\"'`()\s]/.test(host) || /[.-]$/.test(host) || /^[.-]/.test(host);
}

/** Private network addresses (RFC 1918, carrier-grade NAT, unique-local IPv6): reachable only inside a network. */
export function isPrivateAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (/^10(\.\d{1,3}){3}$/.test(h) || /^192\.168(\.\d{1,3}){2}$/.test(h)) return true;
  if (/^172\.(1[6-9]|2\d|3[01])(\.\d{1,3}){2}$/.test(h) || /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])(\.\d{1,3}){2}$/.test(h)) return true;
  return /^f[cd][0-9a-f]{2}:/.test(h);
}

/**
 * How a transmission rule treats a target host:
 * - `unknown`: not known statically (a placeholder or a variable host);
 * - `local`: loopback, reserved test / documentation names and addresses (RFC 2606, RFC 6761, RFC 5737), link-local
 *   (cloud metadata services only speak plain HTTP);
 * - `allowed`: listed under `hosts.allowInsecure` in the team config;
 * - `internal`: a single-label name (`backend`, `redis`): a service name inside a container network or an intranet;
 * - `private`: an RFC 1918 / unique-local address: cleartext inside the network, still readable there;
 * - `public`: everything else.
 */
export type HostKind = 'unknown' | 'local' | 'allowed' | 'internal' | 'private' | 'public';

export function classifyHost(host: string | undefined, allowInsecure: readonly string[] = []): HostKind {
  if (host === undefined || isPlaceholderHost(host)) return 'unknown';
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLocalOrReservedHost(h) || /^169\.254(\.\d{1,3}){2}$/.test(h) || /^fe80:/.test(h)) return 'local';
  // Documentation address blocks (RFC 5737, RFC 3849) are examples, like example.com.
  if (/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/.test(h) || /^2001:db8:/.test(h)) return 'local';
  if (hostMatches(h, allowInsecure)) return 'allowed';
  if (isPrivateAddress(h)) return 'private';
  if (!h.includes('.') && !h.includes(':')) return 'internal';
  return 'public';
}
