/**
 * A `pulumi-language-nodejs` for the engine built here. The real host is a Go program in its own
 * Go module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the Go module
 * proxy reachable from these machines does not serve (403 for every version), and which the sdk/v3
 * module zip leaves out because it has its own go.mod. So this implements the same gRPC service,
 * `pulumirpc.LanguageRuntime` from @pulumi/pulumi's own generated stubs, and starts the program as
 * the real host does: `node <@pulumi/pulumi/cmd/run> --monitor ... <entry point>` with the config in
 * PULUMI_CONFIG. Upstream: pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go (Run,
 * execRuntime, constructArguments, constructConfig, GetRequiredPackages).
 *
 * Deviations (docs/engine.md): no monitor proxy and no synchronous-invoke pipes (the SDK of this
 * version needs neither), no `npm install` in InstallDependencies, no program generation.
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as path from "node:path";
import * as langrpc from "@pulumi/pulumi/proto/language_grpc_pb";
import * as langproto from "@pulumi/pulumi/proto/language_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { requiredPlugins } from "./packages";

/** Exit code of `cmd/run` after it has shown the user an actionable message: bail quietly. */
const userActionableExit = 32;

export type Unary<Req, Res> = (
  call: grpc.ServerUnaryCall<Req, Res>,
  callback: grpc.sendUnaryData<Res>,
) => void;

/** Answers a unary call with what `answer` returns, or with the error it throws. */
export function reply<Res>(callback: grpc.sendUnaryData<Res>, answer: () => Res): void {
  try {
    callback(null, answer());
  } catch (error) {
    callback(error as Error);
  }
}

/** A method this host has nothing to say to: an empty response. */
const emptyReply =
  <Res>(Response: new () => Res): Unary<unknown, Res> =>
  (_call, callback) =>
    callback(null, new Response());

/** The program's folder, as the request names it, else where the host runs. */
const programDir = (request: { getInfo(): langproto.ProgramInfo | undefined }) =>
  request.getInfo()?.getProgramDirectory() || process.cwd();

const unimplemented =
  (method: string) =>
  (_call: unknown, callback: (error: grpc.ServiceError | null) => void): void =>
    callback({
      code: grpc.status.UNIMPLEMENTED,
      details: `${method} is not implemented by the offline language host (tools/engine)`,
    } as grpc.ServiceError);

/** The `node` arguments for one program run, as the real host's constructArguments builds them. */
export function runArguments(
  request: langproto.RunRequest,
  runPath: string,
  engineAddress: string,
): string[] {
  const info = request.getInfo();
  const args = [runPath];
  const add = (flag: string, value: string | undefined) => {
    if (value) args.push(`--${flag}`, value);
  };
  add("monitor", request.getMonitorAddress());
  add("engine", engineAddress);
  add("organization", request.getOrganization());
  add("project", request.getProject());
  add("root-directory", info?.getRootDirectory());
  add("stack", request.getStack());
  add("pwd", info?.getProgramDirectory() || request.getPwd());
  if (request.getDryrun()) args.push("--dry-run");
  add("parallel", String(request.getParallel()));
  args.push(info?.getEntryPoint() || request.getProgram() || ".");
  args.push(...request.getArgsList());
  return args;
}

/**
 * PULUMI_CONFIG as the real host writes it: keys in the legacy `<namespace>:config:<name>` form,
 * which every SDK version reads.
 */
export function configVariable(config: ReadonlyArray<[string, string]>): string {
  const legacy: Record<string, string> = {};
  for (const [key, value] of config) {
    const colon = key.indexOf(":");
    legacy[colon < 0 ? key : `${key.slice(0, colon)}:config:${key.slice(colon + 1)}`] = value;
  }
  return JSON.stringify(legacy);
}

export class NodeLanguageHost {
  private readonly running = new Set<ChildProcess>();

  constructor(
    readonly engineAddress: string,
    private readonly version: string,
  ) {}

  readonly handshake = emptyReply(langproto.LanguageHandshakeResponse);

  readonly getRequiredPackages: Unary<
    langproto.GetRequiredPackagesRequest,
    langproto.GetRequiredPackagesResponse
  > = (call, callback) =>
    reply(callback, () => {
      const response = new langproto.GetRequiredPackagesResponse();
      response.setPackagesList(
        requiredPlugins(programDir(call.request)).map((plugin) => {
          const dependency = new plugproto.PackageDependency();
          dependency.setName(plugin.name);
          dependency.setKind("resource");
          dependency.setVersion(`v${plugin.version}`);
          return dependency;
        }),
      );
      return response;
    });

  readonly getPluginInfo: Unary<unknown, plugproto.PluginInfo> = (_call, callback) => {
    const info = new plugproto.PluginInfo();
    info.setVersion(this.version);
    callback(null, info);
  };

  readonly run: Unary<langproto.RunRequest, langproto.RunResponse> = (call, callback) => {
    try {
      this.start(call.request, callback);
    } catch (error) {
      const response = new langproto.RunResponse();
      response.setError(`Problem executing program (could not run language executor): ${error}`);
      callback(null, response);
    }
  };

  private start(
    request: langproto.RunRequest,
    callback: grpc.sendUnaryData<langproto.RunResponse>,
  ) {
    const cwd = request.getInfo()?.getProgramDirectory() || request.getPwd() || ".";
    const response = new langproto.RunResponse();
    let runPath: string;
    try {
      runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [cwd] });
    } catch {
      response.setError(
        "It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install?",
      );
      callback(null, response);
      return;
    }
    const options = (request.getInfo()?.getOptions()?.toJavaScript() ?? {}) as Record<
      string,
      unknown
    >;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_CONFIG: configVariable(request.getConfigMap().toArray()),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.getConfigsecretkeysList()),
    };
    if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (typeof options.tsconfig === "string") env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    const nodeArgs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/) : [];
    const child = spawn(
      process.execPath,
      [...nodeArgs.filter(Boolean), ...runArguments(request, runPath, this.engineAddress)],
      { cwd, env, stdio: ["ignore", "inherit", "inherit"] },
    );
    this.running.add(child);
    child.on("error", (error) => {
      this.running.delete(child);
      response.setError(`Problem executing program (could not run language executor): ${error}`);
      callback(null, response);
    });
    child.on("exit", (code, signal) => {
      this.running.delete(child);
      if (code === userActionableExit) {
        response.setBail(true);
      } else if (code !== 0) {
        response.setError(
          signal
            ? `Program exited unexpectedly: ${signal}`
            : `Program exited with non-zero exit code: ${code}`,
        );
      }
      callback(null, response);
    });
  }

  /** `pulumi install`: dependencies come from `npm ci`, so this only checks they are there. */
  readonly installDependencies = (
    call: grpc.ServerWritableStream<
      langproto.InstallDependenciesRequest,
      langproto.InstallDependenciesResponse
    >,
  ): void => {
    const dir = programDir(call.request);
    const response = new langproto.InstallDependenciesResponse();
    if (!fs.existsSync(path.join(dir, "node_modules", "@pulumi", "pulumi"))) {
      call.destroy(new Error(`no node_modules in ${dir}: run npm ci first`));
      return;
    }
    response.setStdout(Buffer.from("Dependencies are installed (npm ci).\n"));
    call.write(response);
    call.end();
  };

  readonly runtimeOptionsPrompts = emptyReply(langproto.RuntimeOptionsResponse);

  readonly about: Unary<langproto.AboutRequest, langproto.AboutResponse> = (_call, callback) => {
    const response = new langproto.AboutResponse();
    response.setExecutable(process.execPath);
    response.setVersion(process.version.replace(/^v/, ""));
    callback(null, response);
  };

  readonly getProgramDependencies: Unary<
    langproto.GetProgramDependenciesRequest,
    langproto.GetProgramDependenciesResponse
  > = (call, callback) =>
    reply(callback, () => {
      const dir = programDir(call.request);
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      const response = new langproto.GetProgramDependenciesResponse();
      response.setDependenciesList(
        Object.keys(pkg.dependencies ?? {}).map((name) => {
          const installed = JSON.parse(
            fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8"),
          ) as { version: string };
          const info = new langproto.DependencyInfo();
          info.setName(name);
          info.setVersion(installed.version);
          return info;
        }),
      );
      return response;
    });

  readonly cancel: Unary<unknown, unknown> = (_call, callback) => {
    for (const child of this.running) child.kill("SIGINT");
    callback(null, new emptyproto.Empty());
  };

  /**
   * The service implementation: the handlers above, which are named as the service's methods, and
   * every other method refused.
   */
  implementation(): grpc.UntypedServiceImplementation {
    const service = langrpc.LanguageRuntimeService as unknown as Record<
      string,
      { originalName?: string }
    >;
    const handlers = this as unknown as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(service).map(([name, { originalName = name }]) => [
        originalName,
        Object.hasOwn(handlers, originalName) ? handlers[originalName] : unimplemented(name),
      ]),
    ) as grpc.UntypedServiceImplementation;
  }
}

/**
 * Serves on a free loopback port and prints it, the handshake every plugin makes with the engine
 * (pulumi/pulumi sdk/go/common/resource/plugin/plugin.go reads the port from the first stdout line).
 * The engine passes its own address as the last argument.
 */
export async function serve(args: readonly string[], version: string): Promise<grpc.Server> {
  const positional = args.filter((a) => !a.startsWith("-"));
  const host = new NodeLanguageHost(positional[positional.length - 1] ?? "", version);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(
    langrpc.LanguageRuntimeService as unknown as grpc.ServiceDefinition,
    host.implementation(),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  process.stdout.write(`${port}\n`);
  exitWithEngine(host.engineAddress);
  return server;
}

/**
 * Exits once the engine is gone, as Go plugins do (pulumi/pulumi sdk/go/common/util/rpcutil/
 * health.go, Healthcheck: poll the engine, cancel when it stops answering): a CLI that exits on an
 * error does not always stop its language host, which would otherwise outlive it.
 */
function exitWithEngine(engineAddress: string, everyMs = 1000): void {
  const colon = engineAddress.lastIndexOf(":");
  if (colon < 0) return;
  const [hostname, port] = [engineAddress.slice(0, colon), Number(engineAddress.slice(colon + 1))];
  const timer = setInterval(() => {
    const socket = net.connect({ host: hostname, port });
    socket.on("connect", () => socket.destroy());
    socket.on("error", () => process.exit(0));
  }, everyMs);
  timer.unref();
}

if (require.main === module) {
  const [version, ...rest] = process.argv.slice(2);
  serve(rest, version).catch((error) => {
    console.error(`pulumi-language-nodejs: ${error}`);
    process.exit(1);
  });
}
