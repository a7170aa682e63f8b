import http from "node:http";

/**
 * The image's HEALTHCHECK. Plain node:http because the slim image has no curl, and installing
 * one for this would add a package to patch.
 */
const port = Number(process.env.PORT ?? "8080");
const request = http.get({ host: "127.0.0.1", port, path: "/healthz", timeout: 2_000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", () => process.exit(1));
