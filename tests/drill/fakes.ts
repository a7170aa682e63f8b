/**
 * Stand-ins for what a stack drill talks to: the clouds' CLIs (an `Exec` that records every argv
 * and answers from a script) and the Pulumi Automation API (a `StackApi` over a tiny HTTP service
 * on 127.0.0.1 whose version `up` changes).
 */
import http from "node:http";
import { AddressInfo } from "node:net";
import { StackApi } from "../../tools/drill/automation";
import { Exec } from "../../tools/drill/clouds";

export interface RecordingExec {
  readonly exec: Exec;
  /** Every call, as `file arg arg ...` arrays. */
  readonly calls: string[][];
}

/** Answers each call with `answer(argv)`; a thrown error becomes the CLI failing. */
export function recordingExec(answer: (argv: readonly string[]) => unknown): RecordingExec {
  const calls: string[][] = [];
  return {
    calls,
    exec: async (file, args) => {
      const argv = [file, ...args];
      calls.push(argv);
      const result = answer(argv);
      return typeof result === "string" ? result : JSON.stringify(result ?? {});
    },
  };
}

/**
 * An ECS service of `size` tasks. `stop-task` takes a task away; the "scheduler" starts a
 * replacement that reports HEALTHY after `healAfterLists` more list-tasks calls.
 */
export function fakeEcs(size: number, healAfterLists = 3) {
  let next = 1;
  const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task/web-cluster/task${n}`;
  const tasks: { arn: string; healthy: boolean; bornAtList: number }[] = [];
  for (; next <= size; next += 1) tasks.push({ arn: arn(next), healthy: true, bornAtList: 0 });
  let lists = 0;
  const desired = { count: size };
  const targetGroupArn =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/6d0ecf831eec9f09";
  const ipOf = (taskArn: string) => `10.0.0.${taskArn.slice(taskArn.lastIndexOf("task") + 4)}`;
  const recorder = recordingExec((argv) => {
    const verb = argv[2];
    if (verb === "list-tasks") {
      lists += 1;
      for (const task of tasks) {
        if (!task.healthy && lists - task.bornAtList >= healAfterLists) task.healthy = true;
      }
      return { taskArns: tasks.map((t) => t.arn) };
    }
    if (verb === "describe-tasks") {
      const wanted = argv.slice(argv.indexOf("--tasks") + 1, argv.indexOf("--output"));
      return {
        tasks: tasks
          .filter((t) => wanted.includes(t.arn))
          .map((t) => ({
            taskArn: t.arn,
            lastStatus: "RUNNING",
            healthStatus: t.healthy ? "HEALTHY" : "UNKNOWN",
            availabilityZone: "us-east-1a",
            attachments: [
              {
                type: "ElasticNetworkInterface",
                details: [{ name: "privateIPv4Address", value: ipOf(t.arn) }],
              },
            ],
            containers: [{ image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0" }],
          })),
      };
    }
    if (verb === "describe-services") {
      return {
        services: [
          {
            serviceName: "web-service",
            desiredCount: desired.count,
            loadBalancers: [{ targetGroupArn: targetGroupArn, containerPort: 8080 }],
          },
        ],
      };
    }
    if (verb === "describe-target-health") {
      // The ALB admits a replacement only once it passes its checks: the same moment, here.
      return {
        TargetHealthDescriptions: tasks.map((t) => ({
          Target: { Id: ipOf(t.arn), Port: 8080 },
          TargetHealth: { State: t.healthy ? "healthy" : "initial" },
        })),
      };
    }
    if (verb === "stop-task") {
      const stopped = argv[argv.indexOf("--task") + 1];
      const index = tasks.findIndex((t) => t.arn === stopped);
      if (index < 0) throw new Error(`no task ${stopped}`);
      tasks.splice(index, 1);
      tasks.push({ arn: arn(next), healthy: false, bornAtList: lists });
      next += 1;
      return { task: { taskArn: stopped, desiredStatus: "STOPPED" } };
    }
    throw new Error(`unexpected call ${argv.join(" ")}`);
  });
  /** `desired.count` is the service's live desiredCount, which autoscaling may change. */
  return { ...recorder, tasks, desired };
}

export interface FakeService {
  readonly url: string;
  deployed: string;
  close(): Promise<void>;
}

/** The deployed service: answers every request with its version in X-App-Version. */
export async function fakeService(version: string): Promise<FakeService> {
  const state = { deployed: version };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "x-app-version": state.deployed, "content-type": "text/plain" });
    res.end("ok\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get deployed() {
      return state.deployed;
    },
    set deployed(value: string) {
      state.deployed = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface FakeStack {
  readonly api: StackApi;
  /** `outputs`, `getConfig <key>`, `setConfig <key> <value>`, `up`, in order. */
  readonly calls: string[];
}

/**
 * The stack: `up` deploys the configured version to `service`, unless the cloud's health gate
 * stops it (`rejects` says which versions), in which case the service keeps what it ran.
 */
export function fakeStack(
  service: FakeService,
  instanceGroup: unknown,
  rejects: (version: string) => boolean = () => false,
): FakeStack {
  const calls: string[] = [];
  const config: Record<string, string> = { "ha-web-service:appVersion": service.deployed };
  return {
    calls,
    api: {
      outputs: async () => {
        calls.push("outputs");
        return { url: service.url, appVersion: service.deployed, instanceGroup };
      },
      getConfig: async (key) => {
        calls.push(`getConfig ${key}`);
        const value = config[key];
        if (value === undefined) throw new Error(`no config ${key}`);
        return value;
      },
      setConfig: async (key, value) => {
        calls.push(`setConfig ${key} ${value}`);
        config[key] = value;
      },
      up: async (onOutput) => {
        calls.push("up");
        const version = config["ha-web-service:appVersion"] ?? "";
        await new Promise((r) => setTimeout(r, 300));
        if (rejects(version)) {
          onOutput("error: ECS Deployment Circuit Breaker was triggered\n");
          throw new Error("update failed: ECS Deployment Circuit Breaker was triggered");
        }
        service.deployed = version;
      },
    },
  };
}

export const ecsGroup = {
  kind: "ecs-service",
  region: "us-east-1",
  cluster: "web-cluster",
  service: "web-service",
} as const;
