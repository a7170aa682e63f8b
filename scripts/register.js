// Runs the TypeScript sources through esbuild for the CLIs. esbuild-register also turns on Node's
// source-map support, which then parses the map of every module loaded afterwards, the provider
// SDKs' thousands included: about a third of the offline plan's start-up. Errors from our own code
// still point at the right lines, because esbuild keeps each statement on its source line.
"use strict";
require("esbuild-register/dist/node").register({ target: "node20" });
process.setSourceMapsEnabled(false);
