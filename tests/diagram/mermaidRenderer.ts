/**
 * beautiful-mermaid (MIT, a devDependency) parses and lays out Mermaid without a browser. It ships
 * as an ES module only, so it is loaded with a dynamic import rather than require().
 */
export function beautifulMermaid(): Promise<typeof import("beautiful-mermaid")> {
  return import("beautiful-mermaid");
}
