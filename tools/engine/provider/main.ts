/**
 * `pulumi-resource-<name>`: a recording provider served with @pulumi/pulumi's provider support
 * (`pulumi.provider.main`, which announces the port and serves pulumirpc.ResourceProvider).
 * Run as `main.ts <name> <version> <engine address>` by the launcher tools/engine/install.ts writes.
 *
 * Some calls are answered here rather than by the SDK's server, which drops what they carry:
 * Configure (the SDK ignores the provider's inputs, which the GCP mocks need, and does not offer
 * preview), Create and Update in a preview (the SDK passes no preview flag, so a preview would
 * create), Diff (the SDK passes no old inputs and reports no per-property diff, which
 * `preview --diff` shows) and Read (the SDK passes no inputs, so a refresh could not carry a
 * drifted value into them).
 * grpc-js binds each method by name from the object given to `addService`, so that object is
 * wrapped with these before the SDK's server registers it.
 */
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { reply, Unary } from "../languageHost";
import { RecordedCloud } from "./cloud";
import { RecordingProvider } from "./recording";

type Props = Record<string, unknown>;

const toJs = (struct: Struct | undefined): Props => (struct?.toJavaScript() ?? {}) as Props;
const toStruct = (props: Props) => Struct.fromJavaScript(props as never);

/** The handlers that replace the SDK server's. */
export function overrides(provider: RecordingProvider, sdkServer: Record<string, unknown>) {
  const sdkConfigure = sdkServer.configure as Unary<
    provproto.ConfigureRequest,
    provproto.ConfigureResponse
  >;
  const configure: Unary<provproto.ConfigureRequest, provproto.ConfigureResponse> = (
    call,
    callback,
  ) => {
    const args = call.request.getArgs()?.toJavaScript() as Props | undefined;
    const variables = Object.fromEntries(call.request.getVariablesMap().entries());
    provider.configure(call.request.getUrn(), args ?? variables);
    // Bridged and azure-native providers support preview: Create and Update are called with
    // preview=true and answer with the planned state (pulumi-terraform-bridge
    // pkg/tfbridge/provider.go Configure: SupportsPreview: true).
    sdkConfigure.call(sdkServer, call, (error, response) => {
      response?.setSupportspreview(true);
      callback(error, response);
    });
  };

  const sdkCreate = sdkServer.create as Unary<provproto.CreateRequest, provproto.CreateResponse>;
  const create: Unary<provproto.CreateRequest, provproto.CreateResponse> = (call, callback) => {
    if (!call.request.getPreview()) return void sdkCreate.call(sdkServer, call, callback);
    const response = new provproto.CreateResponse();
    response.setProperties(toStruct(provider.previewCreate(toJs(call.request.getProperties()))));
    callback(null, response);
  };

  const sdkUpdate = sdkServer.update as Unary<provproto.UpdateRequest, provproto.UpdateResponse>;
  const update: Unary<provproto.UpdateRequest, provproto.UpdateResponse> = (call, callback) => {
    if (!call.request.getPreview()) return void sdkUpdate.call(sdkServer, call, callback);
    const response = new provproto.UpdateResponse();
    const { request } = call;
    const olds = toJs(request.getOlds());
    response.setProperties(
      toStruct(provider.updatedState(request.getUrn(), olds, toJs(request.getNews()))),
    );
    callback(null, response);
  };

  const diff: Unary<provproto.DiffRequest, provproto.DiffResponse> = (call, callback) =>
    reply(callback, () => {
      const request = call.request;
      const oldInputs = request.getOldInputs()
        ? toJs(request.getOldInputs())
        : toJs(request.getOlds());
      const news = toJs(request.getNews());
      const result = provider.diffWithInputs(request.getUrn(), oldInputs, news);
      const response = new provproto.DiffResponse();
      response.setChanges(
        result.changed.length > 0
          ? provproto.DiffResponse.DiffChanges.DIFF_SOME
          : provproto.DiffResponse.DiffChanges.DIFF_NONE,
      );
      response.setDiffsList(result.changed);
      response.setReplacesList(result.replaces);
      response.setHasdetaileddiff(true);
      const detailed = response.getDetaileddiffMap();
      for (const key of result.changed) {
        const entry = new provproto.PropertyDiff();
        const kind = !(key in oldInputs) ? "ADD" : !(key in news) ? "DELETE" : "UPDATE";
        const replace = result.replaces.includes(key);
        entry.setKind(provproto.PropertyDiff.Kind[replace ? (`${kind}_REPLACE` as const) : kind]);
        entry.setInputdiff(true);
        detailed.set(key, entry);
      }
      return response;
    });

  const read: Unary<provproto.ReadRequest, provproto.ReadResponse> = (call, callback) =>
    reply(callback, () => {
      const request = call.request;
      const result = provider.readWithInputs(
        request.getId(),
        request.getUrn(),
        toJs(request.getProperties()),
        request.getInputs() ? toJs(request.getInputs()) : undefined,
      );
      const response = new provproto.ReadResponse();
      response.setId(result.id);
      if (result.props) response.setProperties(toStruct(result.props));
      if (result.inputs) response.setInputs(toStruct(result.inputs));
      return response;
    });

  return { configure, create, update, diff, read };
}

/** Wraps the object `pulumi.provider.main` registers, once, before it registers it. */
function interceptProviderService(provider: RecordingProvider): void {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    const sdkServer = implementation as unknown as Record<string, unknown>;
    const wrapped = Object.assign(Object.create(sdkServer), overrides(provider, sdkServer));
    return addService.call(this, service, wrapped);
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  const [pkg, version, ...engineArgs] = argv;
  const recording = new RecordingProvider(pkg, version, new RecordedCloud());
  interceptProviderService(recording);
  await pulumi.provider.main(recording, [...engineArgs]);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`recording provider: ${error}`);
    process.exit(1);
  });
}
