#!/usr/bin/env bash
# Runs Sealant on real code nobody here wrote and prints the findings per rule, for the detection-quality check
# of the rule families (issue notes report these counts and a verdict on a sample).
#   bash scripts/real-code-check.sh [family] [corpus]   (default family: storage; corpus: python-js (default) or
#   server: server-side Java and C# from Debian source packages, which needs a deb-src entry for the Debian mirror,
#   e.g. /etc/apt/sources.list.d/*.sources with `Types: deb-src`, then apt-get update)
# Debian packages are downloaded (not installed) and unpacked into $CORPUS; npm packages are packed there too.
# Build output folders of npm packages (dist/) are renamed so the default ignore list does not skip them.
set -euo pipefail
FAMILY="${1:-storage}"
KIND="${2:-python-js}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${SEALANT_REAL_CODE:-${XDG_CACHE_HOME:-$HOME/.cache}/sealant-real-code}"
DEBS=(python3-django python3-flask python3-requests python3-django-allauth python3-keystone python3-social-auth-core
  python3-flask-security python3-django-oauth-toolkit python3-pysaml2 python3-ldap3 python3-nova tryton-server
  python3-cinder python3-ironic mailman3 python3-barbican python3-django-axes python3-djangorestframework-simplejwt)
NPMS=(parse-server @node-red/runtime @strapi/plugin-users-permissions @feathersjs/authentication-local @directus/api
  @medusajs/medusa payload)
mkdir -p "$CORPUS/debs" "$CORPUS/py" "$CORPUS/js"
if [ "$KIND" != server ] && [ ! -f "$CORPUS/.done" ]; then
  (cd "$CORPUS/debs" && for p in "${DEBS[@]}"; do apt-get download "$p" >/dev/null 2>&1 || echo "skipped $p (not available)" >&2; done)
  for d in "$CORPUS"/debs/*.deb; do dpkg -x "$d" "$CORPUS/py/x"; done
  (cd "$CORPUS/js" && for p in "${NPMS[@]}"; do npm pack "$p" --silent >/dev/null 2>&1 || echo "skipped $p" >&2; done
   for f in *.tgz; do d="${f%.tgz}"; mkdir -p "$d" && tar xzf "$f" -C "$d"; [ -d "$d/package/dist" ] && mv "$d/package/dist" "$d/package/code"; done)
  touch "$CORPUS/.done"
fi
# Server-side Java (Tomcat with its manager and examples, Jetty, Spring, JavaMail, Commons Net, HttpClient, ESAPI)
# and C# (Mono's System.Web and System.Net, ASP.NET MVC / Web Pages from aspnetwebstack) as source packages.
SRCS=(tomcat10 jetty9 libspring-java jakarta-mail libcommons-net-java httpcomponents-client libowasp-esapi-java mono)
MONO_DIRS=(mcs/class/System.Web mcs/class/System.Web.Services mcs/class/System.Web.Mvc3 mcs/class/System.Web.Extensions
  'mcs/class/System/System.Net*' external/aspnetwebstack mcs/class/Novell.Directory.Ldap)
PARTS=(py/x/usr/lib/python3/dist-packages js)
if [ "$KIND" = server ]; then
  PARTS=(jvm cs)
  if [ ! -f "$CORPUS/.server-done" ]; then
    mkdir -p "$CORPUS/src" "$CORPUS/jvm" "$CORPUS/cs"
    # The newest version may be missing on a snapshot mirror: fall back to the older ones apt knows.
    (cd "$CORPUS/src" && for p in "${SRCS[@]}"; do
      apt-get source --download-only "$p" >/dev/null 2>&1 && continue
      ok=; for v in $(apt-cache showsrc "$p" 2>/dev/null | awk '/^Version:/ { print $2 }'); do
        apt-get source --download-only "$p=$v" >/dev/null 2>&1 && { ok=1; break; }
      done
      [ -n "$ok" ] || echo "incomplete $p (a file is missing on the mirror, or no deb-src entry)" >&2
    done)
    for f in "$CORPUS"/src/*.orig.tar.*; do
      [ -e "$f" ] || continue
      name="$(basename "$f" | sed 's/_.*//')"
      if [ "$name" = mono ]; then
        top="$( (tar tf "$f" || true) | head -1 | cut -d/ -f1)"
        tar xf "$f" -C "$CORPUS/cs" --wildcards $(for d in "${MONO_DIRS[@]}"; do echo "$top/$d/*"; done) 2>/dev/null || true
      else
        mkdir -p "$CORPUS/jvm/$name" && tar xf "$f" -C "$CORPUS/jvm/$name" --strip-components=1
      fi
    done
    touch "$CORPUS/.server-done"
  fi
fi
[ -f "$ROOT/dist/cli.js" ] || node "$ROOT/scripts/build.mjs" >/dev/null
for part in "${PARTS[@]}"; do
  out="$CORPUS/$(echo "$part" | cut -d/ -f1).json"
  (cd "$CORPUS/$part" && node "$ROOT/dist/cli.js" scan . --format json --output "$out" --no-cache --fail-on never --quiet)
  node -e "
    const r = require(process.argv[1]); const fam = process.argv[2] + '/';
    const f = r.findings.filter((x) => x.ruleId.startsWith(fam));
    const by = {}; for (const x of f) { const k = x.ruleId + ' (' + x.confidence + ')'; by[k] = (by[k] || 0) + 1; }
    console.log(process.argv[3] + ': ' + r.summary.filesScanned + ' files, ' + f.length + ' ' + fam.slice(0, -1) + ' findings');
    for (const [k, n] of Object.entries(by).sort()) console.log('  ' + String(n).padStart(4) + '  ' + k);
    for (const x of f.filter((x) => x.confidence !== 'low')) console.log('    ' + x.path + ':' + x.line + '  ' + x.ruleId + '  ' + x.message.slice(0, 100));
  " "$out" "$FAMILY" "$part"
done
