import { buildBootstrap } from "./program";

const outputs = buildBootstrap();

export const cloud = outputs.cloud;
export const backendUrl = outputs.backendUrl;
export const secretsProvider = outputs.secretsProvider;
export const githubVariables = outputs.githubVariables;
export const githubEnvironmentVariables = outputs.githubEnvironmentVariables;
export const stackConfig = outputs.stackConfig;
export const imageRepository = outputs.imageRepository;
export const hostImage = outputs.hostImage;
