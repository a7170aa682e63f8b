/**
 * nginx must keep idle connections open longer than the load balancer in front of it, or the
 * balancer reuses a connection nginx is closing and the client gets a 502. Each cloud states it:
 * - Google: the global external Application Load Balancer's backend keepalive is fixed at 600 s;
 *   backends must use a longer one (https://cloud.google.com/load-balancing/docs/https#backend-keepalive-timeout).
 * - AWS: "configure the idle timeout of your application to be larger than the idle timeout
 *   configured for the load balancer" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout).
 * - Azure: load-balancing rules expire idle flows after 4-100 minutes, 4 by default
 *   (https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout).
 *
 * The check reads both numbers from what each of the six stack × cloud plans registers (the
 * container environment and the load balancer's idle timeout; GCP's is not an input, so Google's
 * figure is stated here), then renders nginx's configuration from that environment with the
 * image's own code and has nginx accept it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { supervisorConfigFromEnv } from "../../app/src/config";
import { renderNginxConfig } from "../../app/nginx/render";
import { Cloud, clouds } from "../../components/cloud";
import { keepaliveEnvVar } from "../../components/keepalive";
import { nginxBin } from "../helpers/processes";
import { json, ofType, one, planStack, PlanResult } from "../helpers/plan";

/** Google's fixed backend keepalive of the global external Application Load Balancer. */
const gcpBackendKeepaliveSeconds = 600;

interface Timeouts {
  /** What the container is given as NGINX_KEEPALIVE_TIMEOUT_SECONDS, if anything. */
  readonly keepalive: string | undefined;
  /** The longest idle timeout of the cloud's load balancer, in seconds. */
  readonly idle: number | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function timeoutsOf(cloud: Cloud, plan: Pick<PlanResult, "resources">): Timeouts {
  switch (cloud) {
    case "aws": {
      const task = one(plan, "aws:ecs/taskDefinition:TaskDefinition");
      const [container] = json<Loose[]>(task.inputs.containerDefinitions);
      const env = (container.environment ?? []) as { name: string; value: string }[];
      const alb = one(plan, "aws:lb/loadBalancer:LoadBalancer").inputs as Loose;
      return {
        keepalive: env.find((e) => e.name === keepaliveEnvVar)?.value,
        // Not set means ELB's default; the rule wants it stated, so it counts as unknown.
        idle: typeof alb.idleTimeout === "number" ? alb.idleTimeout : undefined,
      };
    }
    case "gcp": {
      const template = one(plan, "gcp:compute/instanceTemplate:InstanceTemplate").inputs as Loose;
      const script = String(template.metadata["startup-script"]);
      // The script's docker run passes the variable from a readonly assignment.
      const passes = script.includes(`--env "${keepaliveEnvVar}=$KEEPALIVE_SECONDS"`);
      return {
        keepalive: passes ? /^readonly KEEPALIVE_SECONDS=(\d+)$/m.exec(script)?.[1] : undefined,
        idle: gcpBackendKeepaliveSeconds,
      };
    }
    case "azure": {
      const vmss = one(plan, "azure-native:compute:VirtualMachineScaleSet").inputs as Loose;
      const config = parse(
        Buffer.from(vmss.virtualMachineProfile.osProfile.customData, "base64").toString("utf8"),
      ) as { write_files: { path: string; content: string }[] };
      const file = (path: string) => config.write_files.find((f) => f.path === path)?.content ?? "";
      const passes = file("/usr/local/bin/web-start").includes(
        `--env "${keepaliveEnvVar}=\${${keepaliveEnvVar}}"`,
      );
      const value = new RegExp(`^${keepaliveEnvVar}='(\\d+)'$`, "m").exec(
        file("/etc/default/web"),
      )?.[1];
      const minutes = ofType(plan, "azure-native:network:LoadBalancer").flatMap((lb) =>
        ((lb.inputs as Loose).loadBalancingRules ?? []).map(
          (rule: Loose) => rule.idleTimeoutInMinutes as number | undefined,
        ),
      );
      return {
        keepalive: passes ? value : undefined,
        // An unset rule idles out after Azure's default of 4 minutes.
        idle: minutes.length === 0 ? undefined : Math.max(...minutes.map((m) => (m ?? 4) * 60)),
      };
    }
  }
}

/** Why the pair would cause 502s, or nothing when nginx outlasts the load balancer. */
export function keepaliveProblem(cloud: Cloud, { keepalive, idle }: Timeouts): string | undefined {
  if (idle === undefined) return `${cloud}: the load balancer's idle timeout is not stated`;
  if (keepalive === undefined) {
    return `${cloud}: the container is not given ${keepaliveEnvVar}, so nginx keeps its default 75 s`;
  }
  if (!(Number(keepalive) > idle)) {
    return `${cloud}: nginx keeps idle connections ${keepalive} s, not longer than the load balancer's ${idle} s`;
  }
  return undefined;
}

/** Renders nginx's configuration as the image does for this environment; nginx -t's complaint, if any. */
async function renderAndTest(env: Record<string, string | undefined>) {
  const dir = mkdtempSync(join(tmpdir(), "keepalive-"));
  try {
    const config = supervisorConfigFromEnv(env);
    const rendered = renderNginxConfig({
      listenAddress: "127.0.0.1",
      listenPort: 18080,
      appPort: 13000,
      webRoot: dir,
      runtimeDir: dir,
      version: "1.0.0",
      accessLog: false,
      keepaliveTimeoutSeconds: config.keepaliveTimeoutSeconds,
    });
    const path = join(dir, "nginx.conf");
    writeFileSync(path, rendered);
    const complaint = await new Promise<string | undefined>((resolve) =>
      execFile(nginxBin, ["-t", "-p", dir, "-c", path, "-e", "stderr"], (error, _out, stderr) =>
        resolve(error === null ? undefined : stderr),
      ),
    );
    return { rendered, complaint };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("nginx keepalive outlasts the load balancer's idle timeout", () => {
  describe("keepaliveProblem", () => {
    const rows: [string, Cloud, Timeouts, string | undefined][] = [
      [
        "GCP before the fix: 75 s against Google's 600 s",
        "gcp",
        { keepalive: undefined, idle: 600 },
        "gcp: the container is not given NGINX_KEEPALIVE_TIMEOUT_SECONDS, so nginx keeps its default 75 s",
      ],
      [
        "equal is not longer",
        "gcp",
        { keepalive: "600", idle: 600 },
        "gcp: nginx keeps idle connections 600 s, not longer than the load balancer's 600 s",
      ],
      [
        "an ALB with no stated idle timeout",
        "aws",
        { keepalive: "80", idle: undefined },
        "aws: the load balancer's idle timeout is not stated",
      ],
      [
        "Azure's 4 minutes against nginx's 75 s",
        "azure",
        { keepalive: "75", idle: 240 },
        "azure: nginx keeps idle connections 75 s, not longer than the load balancer's 240 s",
      ],
      ["longer passes", "gcp", { keepalive: "620", idle: 600 }, undefined],
    ];
    for (const [name, cloud, timeouts, expected] of rows) {
      it(name, () => assert.equal(keepaliveProblem(cloud, timeouts), expected));
    }
  });

  for (const cloud of clouds) {
    for (const stack of ["test", "prod"]) {
      it(`${stack} on ${cloud}`, async () => {
        const timeouts = timeoutsOf(cloud, await planStack(stack, cloud));
        assert.equal(keepaliveProblem(cloud, timeouts), undefined);
        // The image reads the variable and renders it into the directive nginx runs with.
        const { rendered, complaint } = await renderAndTest({
          [keepaliveEnvVar]: timeouts.keepalive,
        });
        assert.match(rendered, new RegExp(`^\\s*keepalive_timeout ${timeouts.keepalive}s;$`, "m"));
        assert.equal(complaint, undefined);
      });
    }
  }

  it("fails when a plan loses the variable (GCP's startup script without it)", async () => {
    const plan = structuredClone((await planStack("test", "gcp")).resources);
    const template = plan.find((r) => r.type === "gcp:compute/instanceTemplate:InstanceTemplate");
    const metadata = (template?.inputs as Loose).metadata;
    metadata["startup-script"] = String(metadata["startup-script"]).replace(
      `--env "${keepaliveEnvVar}=$KEEPALIVE_SECONDS"`,
      "",
    );
    assert.match(
      keepaliveProblem("gcp", timeoutsOf("gcp", { resources: plan })) ?? "",
      /not given NGINX_KEEPALIVE_TIMEOUT_SECONDS/,
    );
  });
});
