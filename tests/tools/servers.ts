import http from "node:http";
import { AddressInfo } from "node:net";

/** A node:http server on 127.0.0.1 with an OS-assigned port, for the tools' tests. */
export interface LocalServer {
  readonly server: http.Server;
  readonly port: number;
  url(path?: string): string;
  /** Closes the listener and every connection, idle or not. */
  close(): Promise<void>;
}

export async function serve(handler: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: (path = "/version.txt") => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves `body` at every path. */
export function text(body: string, status = 200): http.RequestListener {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(body);
  };
}
