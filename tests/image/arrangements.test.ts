import assert from "node:assert/strict";
import {
  ArrangementError,
  Plan,
  arrangementFor,
  dockerRunArgs,
  dockerRunArrangement,
  planFor,
} from "../../tools/image/arrangements";
import { ecsArrangement } from "../../providers/aws/image";
import { ProcessInfo } from "./container";
import { userProblems, writeProblems } from "./checks";
import { baseImage, withoutVolume } from "./engine";

const source = "test";

describe("image arrangements: how each cloud runs the image, read from the plan", () => {
  describe("docker run flags", () => {
    it("reproduces the flags it knows, in both --flag value and --flag=value forms", () => {
      const a = dockerRunArrangement(
        "gcp",
        [
          "--detach",
          "--name",
          "web",
          "--read-only",
          "--tmpfs",
          "/tmp:rw,size=64m",
          "--cap-drop=ALL",
          "--security-opt=no-new-privileges",
          "--publish",
          "8080:8080",
          "--stop-timeout",
          "35",
          "--env",
          "PORT=8080",
          "-e",
          "ZONE=a=b",
          "--user=1000:1000",
          "img:1",
        ],
        source,
      );
      assert.deepEqual(
        {
          readOnlyRoot: a.readOnlyRoot,
          mounts: a.mounts,
          capDrop: a.capDrop,
          noNewPrivileges: a.noNewPrivileges,
          port: a.port,
          stopTimeoutSeconds: a.stopTimeoutSeconds,
          env: a.env,
          user: a.user,
        },
        {
          readOnlyRoot: true,
          mounts: [{ kind: "tmpfs", path: "/tmp", options: "rw,size=64m" }],
          capDrop: ["ALL"],
          noNewPrivileges: true,
          port: 8080,
          stopTimeoutSeconds: 35,
          env: { PORT: "8080", ZONE: "a=b" },
          user: "1000:1000",
        },
      );
    });

    it("uses docker's 10 s stop timeout when the script sets none", () => {
      assert.equal(
        dockerRunArrangement("azure", ["-p", "80:8080", "i"], source).stopTimeoutSeconds,
        10,
      );
    });

    const refused: [string, string[], string][] = [
      [
        "an unknown flag",
        ["--privileged", "-p", "8080:8080", "i"],
        "test: docker run --privileged is not reproduced by the image runner; teach tools/image/arrangements.ts what it does",
      ],
      [
        "a host-copied variable",
        ["-e", "SECRET", "-p", "8080:8080", "i"],
        "test: docker run --env SECRET: expected NAME=value",
      ],
      [
        "another security option",
        ["--security-opt", "seccomp=unconfined", "-p", "1:1", "i"],
        "test: docker run --security-opt seccomp=unconfined is not reproduced",
      ],
      [
        "a command after the image",
        ["-p", "1:1", "i", "sh"],
        "test: arguments after the image are not reproduced: sh",
      ],
      ["no published port", ["i"], "test: docker run: no --publish"],
    ];
    for (const [name, args, message] of refused) {
      it(`refuses ${name}`, () => {
        assert.throws(() => dockerRunArrangement("gcp", args, source), {
          name: "ArrangementError",
          message,
        });
      });
    }
  });

  describe("the docker run line of a script, expanded by bash", () => {
    it("takes the script's own assignments and the stand-in metadata answers", () => {
      const script = [
        "readonly PORT=8080",
        'ZONE_PATH="$(metadata zone)"',
        'readonly ZONE="${ZONE_PATH##*/}"',
        "docker run --detach \\",
        '  --env "ZONE=$ZONE" --env "HOST=$(hostname)" \\',
        '  --publish "$PORT:$PORT" "img"',
        "echo after",
      ].join("\n");
      assert.deepEqual(dockerRunArgs(script, "", source), [
        "--detach",
        "--env",
        "ZONE=us-central1-a",
        "--env",
        "HOST=web-standin",
        "--publish",
        "8080:8080",
        "img",
      ]);
    });

    it("fails loudly on a command it has no stand-in for, instead of running it here", () => {
      const script = 'X="$(id -u)"\ndocker run -p 1:1 "img$X"\n';
      assert.throws(
        () => dockerRunArgs(script, "", source),
        /could not expand the docker run line: .*id: command not found/,
      );
    });

    it("fails on an unset variable", () => {
      assert.throws(
        () => dockerRunArgs('docker run -p 1:1 "$NOPE"\n', "", source),
        /NOPE: unbound variable/,
      );
    });
  });

  describe("ECS task definition", () => {
    const plan = (
      container: Record<string, unknown>,
      volumes: unknown[] = [{ name: "tmp" }],
    ): Plan => ({
      resources: [
        {
          type: "aws:ecs/taskDefinition:TaskDefinition",
          name: "t",
          inputs: {
            containerDefinitions: JSON.stringify([
              { portMappings: [{ containerPort: 8080 }], ...container },
            ]),
            requiresCompatibilities: ["FARGATE"],
            volumes,
          },
        },
      ],
    });

    it("defaults the stop timeout to ECS's 30 s", () => {
      assert.equal(ecsArrangement(plan({})).stopTimeoutSeconds, 30);
    });

    const refused: [string, Plan, string][] = [
      [
        "an unknown container key",
        plan({ secrets: [] }),
        "aws task definition: containerDefinitions[0].secrets is not reproduced by the image runner; teach providers/aws/image.ts what it does",
      ],
      [
        "tmpfs in linuxParameters",
        plan({ linuxParameters: { tmpfs: [] } }),
        "aws task definition: linuxParameters.tmpfs is not reproduced by the image runner",
      ],
      [
        "an EFS volume",
        plan({ mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp" }] }, [
          { name: "tmp", efsVolumeConfiguration: {} },
        ]),
        "aws task definition: volume tmp: efsVolumeConfiguration is not reproduced",
      ],
    ];
    for (const [name, input, message] of refused) {
      it(`refuses ${name}`, () => {
        assert.throws(
          () => ecsArrangement(input),
          (e: unknown) => e instanceof ArrangementError && e.message === message,
        );
      });
    }
  });

  describe("from this checkout's prod plans", function () {
    this.timeout(120_000);
    it("reads every cloud's arrangement: read-only root, a writable /tmp, port 8080, a stop timeout above the drain", () => {
      for (const cloud of ["aws", "gcp", "azure"] as const) {
        const a = arrangementFor(cloud, planFor(cloud));
        assert.equal(a.readOnlyRoot, true, `${cloud}: read-only root`);
        assert.deepEqual(
          a.mounts.map((m) => m.path),
          ["/tmp"],
          `${cloud}: one writable mount at /tmp`,
        );
        assert.equal(a.port, 8080, `${cloud}: port`);
        const drain = Number(a.env.DRAIN_SECONDS);
        assert.ok(
          a.stopTimeoutSeconds > drain,
          `${cloud}: stop timeout ${a.stopTimeoutSeconds} s > drain ${drain} s`,
        );
      }
    });
  });

  describe("the checks on a running image can fail", () => {
    const good: ProcessInfo = {
      pid: 1,
      command: "tini",
      uids: [1000, 1000, 1000, 1000],
      gids: [1000, 1000, 1000, 1000],
      groups: [],
      capEff: "0000000000000000",
      noNewPrivs: true,
    };
    const expected = { uid: 1000, gid: 1000, noNewPrivileges: true };
    it("passes uid 1000 with no capabilities", () =>
      assert.deepEqual(userProblems([good], expected), []));
    it("fails root, a saved root uid, an extra group, capabilities and no_new_privs off", () => {
      assert.deepEqual(
        userProblems(
          [
            { ...good, uids: [0, 0, 0, 0] },
            { ...good, pid: 2, uids: [1000, 1000, 0, 1000] },
            { ...good, pid: 3, groups: [27] },
            { ...good, pid: 4, capEff: "00000000a80425fb", noNewPrivs: false },
          ],
          expected,
        ),
        [
          "pid 1 (tini): uids 0,0,0,0, expected 1000",
          "pid 2 (tini): uids 1000,1000,0,1000, expected 1000",
          "pid 3 (tini): supplementary groups 27",
          "pid 4 (tini): effective capabilities 00000000a80425fb",
          "pid 4 (tini): no_new_privs is off",
        ],
      );
    });
    it("fails writes outside the runtime directory, including a sibling with the same prefix", () => {
      assert.deepEqual(
        writeProblems(
          ["/tmp/runtime", "/tmp/runtime/nginx.pid", "/tmp/runtime2", "/dev/shm/x"],
          "/tmp/runtime",
        ),
        [
          "/tmp/runtime2: written outside RUNTIME_DIR (/tmp/runtime)",
          "/dev/shm/x: written outside RUNTIME_DIR (/tmp/runtime)",
        ],
      );
    });
  });

  describe("the Dockerfile as the build reads it", () => {
    it("names the stand-in after the final stage's base", () => {
      assert.equal(
        baseImage("FROM node:20.20.2-bookworm-slim AS build\nFROM node:20.20.2-bookworm-slim\n"),
        "docker.io/library/node:20.20.2-bookworm-slim",
      );
    });
    it("builds the broken variant by removing only the VOLUME line, and refuses a file without one", () => {
      assert.equal(withoutVolume('A\nVOLUME ["/tmp"]\nB\n'), "A\nB\n");
      assert.throws(() => withoutVolume("A\n"), /no VOLUME line to remove/);
    });
  });
});
