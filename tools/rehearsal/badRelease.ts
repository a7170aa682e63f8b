/**
 * A "bad release" without changing the image: a release whose health check never passes.
 *
 * The image has no switch that fails readiness (app/src has none, and it should not grow one
 * for tests), but its supervisor takes the nginx binary from NGINX_BIN. The rehearsal points
 * that at this wrapper, which rewrites the rendered configuration so that `/healthz` answers 503
 * and then runs the real nginx. Everything else (the app, `/`, `/version.txt`) works, exactly
 * like a release that starts but never reports ready. If the template's health route ever
 * changes, the wrapper refuses to start nginx, the instance dies at boot, and the release is
 * still bad: the rehearsal cannot silently roll out a "bad" release that is healthy.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The line of app/nginx/nginx.conf.template that makes /healthz the app's readiness. */
export const readinessLine = "proxy_pass http://app/readyz;";

export function badReleaseWrapper(nginxBin: string): string {
  if (!/^\/[A-Za-z0-9._/-]+$/.test(nginxBin)) {
    throw new Error(`nginxBin: expected an absolute path; got ${JSON.stringify(nginxBin)}`);
  }
  return `#!/bin/sh
# Written by tools/rehearsal/badRelease.ts: nginx for a release whose /healthz answers 503.
conf=""
previous=""
for arg in "$@"; do
  if [ "$previous" = "-c" ]; then conf="$arg"; fi
  previous="$arg"
done
if ! grep -qF '${readinessLine}' "$conf"; then
  echo "bad-release wrapper: no '${readinessLine}' in $conf" >&2
  exit 1
fi
sed -i 's#${readinessLine}#return 503;#' "$conf"
exec ${nginxBin} "$@"
`;
}

/** Writes the wrapper into `dir` and returns its path, to be passed as NGINX_BIN. */
export function writeBadReleaseWrapper(dir: string, nginxBin: string): string {
  const path = join(dir, "nginx-bad-release.sh");
  writeFileSync(path, badReleaseWrapper(nginxBin));
  chmodSync(path, 0o755);
  return path;
}
