/**
 * The static checks skip the type-check and ESLint when nothing they read has changed since they
 * last passed (scripts/static-checks.ts). A stale stamp would let a type error through, so each
 * change that must re-run them is a row here: the stamp has to differ (or be refused).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { stepTimes } from "../../bench/tests";
import { inputsHash, moduleSpecifiers, partitions, StampInputs } from "../../scripts/static-checks";

describe("static checks: the stamp that skips an unchanged type-check and lint", () => {
  let dir: string;
  let base: StampInputs;
  const past = new Date(Date.now() - 60_000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "static-checks-"));
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      utimesSync(path, past, past);
      return path;
    };
    base = {
      startedAt: Date.now(),
      rootNames: [file("index.ts", "export const a = 1;\n")],
      configFiles: [file("tsconfig.json", '{ "compilerOptions": {} }\n')],
      programFiles: [join(dir, "index.ts"), file("sdk.d.ts", "export declare const b: number;\n")],
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is the same for the same inputs, so an unchanged tree skips", () => {
    const first = inputsHash(base);
    assert.match(first ?? "", /^[0-9a-f]{64}$/);
    assert.equal(inputsHash({ ...base, startedAt: Date.now() }), first);
  });

  const changes: [string, (inputs: StampInputs) => StampInputs][] = [
    [
      "a source file edited (size and time)",
      (inputs) => {
        writeFileSync(inputs.programFiles[0], "export const a: string = 1;\n");
        utimesSync(inputs.programFiles[0], new Date(past.getTime() + 1_000), past);
        return inputs;
      },
    ],
    [
      "a declaration file touched (time only), as an npm install does",
      (inputs) => {
        utimesSync(inputs.programFiles[1], past, new Date(past.getTime() + 1_000));
        return inputs;
      },
    ],
    [
      "a configuration file's content",
      (inputs) => {
        writeFileSync(inputs.configFiles[0], '{ "compilerOptions": { "strict": false } }\n');
        return inputs;
      },
    ],
    [
      "a new .ts file in the project",
      (inputs) => ({ ...inputs, rootNames: [...inputs.rootNames, join(dir, "new.ts")] }),
    ],
  ];
  for (const [what, change] of changes) {
    it(`changes when ${what}`, () => {
      const before = inputsHash(base);
      assert.notEqual(inputsHash(change(base)), before);
    });
  }

  it("refuses to stamp a file changed after the run started (what was read may differ)", () => {
    utimesSync(base.programFiles[0], new Date(), new Date(base.startedAt + 1_000));
    assert.equal(inputsHash(base), undefined);
  });

  it("refuses to stamp when a file the program read is gone", () => {
    unlinkSync(base.programFiles[1]);
    assert.equal(inputsHash(base), undefined);
  });
});

describe("static checks: the partitions, one program per set of cloud SDKs reached", () => {
  const root = join(__dirname, "..", "..");

  it("puts every project file in exactly one partition, by the SDKs its imports reach", () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)),
      },
    );
    assert.ok(config);
    const all = partitions(config.fileNames, config.options);
    const placed = all.flatMap((p) => p.files);
    assert.equal(placed.length, new Set(placed).size, "a file in two partitions");
    assert.deepEqual([...placed].sort(), [...config.fileNames].sort());
    const home = (file: string) => all.find((p) => p.files.includes(join(root, file)))?.name;
    assert.equal(home("providers/gcp/compute.ts"), "gcp");
    assert.equal(home("providers/azure/network.ts"), "azure");
    assert.equal(home("providers/aws/network.ts"), "aws");
    assert.equal(home("components/args.ts"), "rest");
  });

  describe("on a fixture project", () => {
    let dir: string;
    const write = (name: string, text: string) => {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    };
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "static-checks-partitions-"));
      write("node_modules/@pulumi/gcp/index.d.ts", "export declare const x: number;\n");
      write("node_modules/@pulumi/awsx/index.d.ts", "export declare const y: number;\n");
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("follows imports, re-exports, import-equals and import() types through project files", () => {
      const files = [
        write("gcp.ts", 'import * as gcp from "@pulumi/gcp";\nexport const a = gcp.x;\n'),
        write("viaGcp.ts", 'export * as g from "./gcp";\n'),
        write("aws.ts", 'export type Y = typeof import("@pulumi/awsx").y;\n'),
        write(
          "both.ts",
          'import aws = require("./aws");\nexport * from "./viaGcp";\nexport type Z = aws.Y;\n',
        ),
        write("plain.ts", "export const b = 1;\n"),
        write("global.ts", "export {};\ndeclare global {\n  const c: number;\n}\n"),
      ];
      const options = {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
      };
      const named = partitions(files, options).map((p) => ({
        name: p.name,
        files: p.files.map((f) => relative(dir, f)),
        roots: p.rootNames.map((f) => relative(dir, f)),
      }));
      assert.deepEqual(named, [
        {
          name: "gcp",
          files: ["gcp.ts", "viaGcp.ts"],
          roots: ["gcp.ts", "viaGcp.ts", "global.ts"],
        },
        { name: "aws", files: ["aws.ts"], roots: ["aws.ts", "global.ts"] },
        { name: "aws+gcp", files: ["both.ts"], roots: ["both.ts", "global.ts"] },
        { name: "rest", files: ["plain.ts", "global.ts"], roots: ["plain.ts", "global.ts"] },
      ]);
    });

    it("reads a dynamic import() as the compiler does", () => {
      const file = ts.createSourceFile(
        "x.ts",
        'export async function f() {\n  return import("./gcp");\n}\n',
        ts.ScriptTarget.ES2022,
      );
      assert.deepEqual(moduleSpecifiers(file), ["./gcp"]);
    });
  });
});

describe("bench:tests reads the tiers' times from the fast run's output", () => {
  it("takes test.sh's step lines and static-checks' part lines, nothing else", () => {
    const output = [
      "== tests: mocked and loopback",
      "  1563 passing (1m)",
      "== tests: mocked and loopback: 74 s",
      "== lint and types",
      "   type-check: 21.4 s",
      "   eslint: 9.0 s",
      "   prettier: 1.2 s",
      "   probe: 3.0 s",
      "== lint and types: 33 s",
      "1563 passed, 0 failed",
    ].join("\n");
    assert.deepEqual(stepTimes(output), {
      "tests: mocked and loopback": 74,
      "lint and types": 33,
      "lint and types: type-check": 21.4,
      "lint and types: eslint": 9,
      "lint and types: prettier": 1.2,
    });
  });
});
