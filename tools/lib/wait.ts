import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `condition` every `pollMs`: resolves with the epoch ms at which it held, or undefined
 * once `timeoutMs` has passed or `stop` holds. Written here: Node has no such helper, and a
 * dependency for one loop that the tools share is not worth it.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs: number,
  stop: () => boolean = () => false,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return Date.now();
    if (Date.now() > deadline || stop()) return undefined;
    await sleep(pollMs);
  }
}
