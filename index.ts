import { buildProgram } from "./program";

const outputs = buildProgram();

export const url = outputs.url;
export const versionUrl = outputs.versionUrl;
export const cloud = outputs.cloud;
export const region = outputs.region;
export const appVersion = outputs.appVersion;
export const instanceGroup = outputs.instanceGroup;
