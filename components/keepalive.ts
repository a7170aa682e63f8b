/**
 * How long nginx keeps an idle client connection open, per cloud. The image reads it from
 * `keepaliveEnvVar` (app/src/config.ts); each cloud sets it where it starts the container (GCE
 * startup script, Azure cloud-init, ECS task definition) from its load balancer's idle timeout.
 *
 * The load balancer, not nginx, must close an idle connection: if nginx closes one the balancer is
 * about to reuse, the request on it fails with a 502. Google, AWS and Microsoft all say the same
 * (cited beside each cloud's idle timeout); tests/unit/keepalive.test.ts checks every stack.
 */
export const keepaliveEnvVar = "NGINX_KEEPALIVE_TIMEOUT_SECONDS";

/**
 * Seconds beyond the balancer's idle timeout. Google's own table for its fixed 600 s backend
 * keepalive recommends `keepalive_timeout 620s` for nginx: 20 s of margin.
 * https://cloud.google.com/load-balancing/docs/https#backend-keepalive-timeout
 */
export const keepaliveMarginSeconds = 20;

/** nginx's keepalive for a load balancer that closes idle connections after `idleSeconds`. */
export function keepaliveAbove(idleSeconds: number): number {
  return idleSeconds + keepaliveMarginSeconds;
}
