// Entry point for `pulumi preview --policy-pack policy`. Constructing a PolicyPack starts the
// analyzer's gRPC server, so nothing but the Pulumi CLI should import this file; tests and tools
// import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("ha-web-service", { policies });
