/** One JSON object per line, the same shape as nginx's access log, so one log query reads both. */
export function log(
  component: string,
  level: "info" | "warn" | "error",
  msg: string,
  fields: Record<string, unknown> = {},
): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...fields });
  (level === "info" ? process.stdout : process.stderr).write(`${line}\n`);
}
