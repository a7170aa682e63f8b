import { ResolvedServiceArgs } from "../../components/args";
import { CloudImplementation } from "../types";

export function validate(_args: ResolvedServiceArgs): string[] {
  return [];
}

export const deploy: CloudImplementation = () => {
  throw new Error("cloud: gcp is not implemented yet");
};
