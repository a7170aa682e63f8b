import assert from "node:assert/strict";
import { cloudGroup } from "../../tools/drill/clouds";
import { parseInstanceGroup } from "../../tools/drill/stack";
import { recordingExec } from "./fakes";

/**
 * The cloud adapters, on canned CLI answers shaped as the CLIs' references document them: the
 * exact argv each cloud gets, how the answer becomes instances whose health is the load
 * balancer's verdict, and the group's live desired size.
 */
describe("drill cloud adapters", () => {
  describe("ECS (aws ecs, aws elbv2)", () => {
    const group = {
      kind: "ecs-service",
      region: "us-east-1",
      cluster: "web-cluster",
      service: "web-service",
    } as const;
    const where = ["--region", "us-east-1", "--cluster", "web-cluster"];
    const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/web-cluster/${id}`;
    const tgArn =
      "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/6d0ecf831eec9f09";
    // `aws ecs describe-tasks`: awsvpc tasks carry their ENI's private address as an attachment.
    const eni = (ip: string) => [
      {
        id: "a1b2",
        type: "ElasticNetworkInterface",
        status: "ATTACHED",
        details: [
          { name: "subnetId", value: "subnet-0abc" },
          { name: "networkInterfaceId", value: "eni-0abc" },
          { name: "privateIPv4Address", value: ip },
        ],
      },
    ];
    const answers = (argv: readonly string[]) => {
      switch (argv[2]) {
        case "list-tasks":
          return { taskArns: [arn("aaa"), arn("bbb"), arn("ccc")] };
        case "describe-tasks":
          return {
            tasks: [
              {
                taskArn: arn("aaa"),
                lastStatus: "RUNNING",
                healthStatus: "HEALTHY",
                availabilityZone: "us-east-1a",
                attachments: eni("10.0.1.10"),
                containers: [{ image: "123.dkr.ecr.us-east-1.amazonaws.com/web:1.0.6" }],
              },
              {
                // Its own container check passes, but the ALB has not admitted it yet.
                taskArn: arn("bbb"),
                lastStatus: "RUNNING",
                healthStatus: "HEALTHY",
                availabilityZone: "us-east-1b",
                attachments: eni("10.0.2.20"),
              },
              {
                taskArn: arn("ccc"),
                lastStatus: "PROVISIONING",
                healthStatus: "UNKNOWN",
                availabilityZone: "us-east-1c",
              },
            ],
          };
        case "describe-services":
          return {
            services: [
              {
                serviceName: "web-service",
                desiredCount: 5,
                runningCount: 3,
                loadBalancers: [
                  { targetGroupArn: tgArn, containerName: "web", containerPort: 8080 },
                ],
              },
            ],
          };
        case "describe-target-health":
          return {
            TargetHealthDescriptions: [
              {
                Target: { Id: "10.0.1.10", Port: 8080, AvailabilityZone: "us-east-1a" },
                HealthCheckPort: "8080",
                TargetHealth: { State: "healthy" },
              },
              {
                Target: { Id: "10.0.2.20", Port: 8080, AvailabilityZone: "us-east-1b" },
                HealthCheckPort: "8080",
                TargetHealth: {
                  State: "initial",
                  Reason: "Elb.RegistrationInProgress",
                },
              },
            ],
          };
        default:
          return {};
      }
    };

    it("healthy means running and healthy in the ALB target group, not only the container's check", async () => {
      const { exec, calls } = recordingExec(answers);
      const instances = await cloudGroup(group, exec).list();
      assert.deepEqual(calls, [
        [
          "aws",
          "ecs",
          "list-tasks",
          ...where,
          "--service-name",
          "web-service",
          "--desired-status",
          "RUNNING",
          "--output",
          "json",
        ],
        [
          "aws",
          "ecs",
          "describe-tasks",
          ...where,
          "--tasks",
          arn("aaa"),
          arn("bbb"),
          arn("ccc"),
          "--output",
          "json",
        ],
        [
          "aws",
          "ecs",
          "describe-services",
          ...where,
          "--services",
          "web-service",
          "--output",
          "json",
        ],
        [
          "aws",
          "elbv2",
          "describe-target-health",
          "--region",
          "us-east-1",
          "--target-group-arn",
          tgArn,
          "--output",
          "json",
        ],
      ]);
      assert.deepEqual(
        instances.map((i) => [i.id, i.healthy, i.zone, i.version, i.detail]),
        [
          ["aaa", true, "us-east-1a", "1.0.6", "RUNNING/HEALTHY/alb healthy"],
          ["bbb", false, "us-east-1b", undefined, "RUNNING/HEALTHY/alb initial"],
          ["ccc", false, "us-east-1c", undefined, "PROVISIONING/UNKNOWN/alb not registered"],
        ],
      );
    });

    it("reads the live desired count, which autoscaling may have moved", async () => {
      const { exec } = recordingExec(answers);
      assert.equal(await cloudGroup(group, exec).desiredSize(), 5);
    });

    it("does not describe an empty service", async () => {
      const { exec, calls } = recordingExec(() => ({ taskArns: [] }));
      assert.deepEqual(await cloudGroup(group, exec).list(), []);
      assert.equal(calls.length, 1);
    });

    it("removes a task with stop-task (the service keeps its desired count and replaces it)", async () => {
      const { exec, calls } = recordingExec(answers);
      const ecs = cloudGroup(group, exec);
      const [task] = await ecs.list();
      assert.ok(task);
      const detail = await ecs.remove(task);
      assert.deepEqual(calls.at(-1), [
        "aws",
        "ecs",
        "stop-task",
        ...where,
        "--task",
        arn("aaa"),
        "--reason",
        "drill: self-heal (npm run drill)",
        "--output",
        "json",
      ]);
      assert.equal(detail, "aws ecs stop-task aaa: the service starts a replacement");
      assert.equal(cloudGroup(group, exec).settleRollout, undefined);
    });
  });

  describe("GCE regional MIG (gcloud)", () => {
    const group = {
      kind: "gce-regional-mig",
      project: "acme-ha-web-test",
      region: "us-central1",
      group: "web-mig",
      backendService: "web-backend",
    } as const;
    const url = (zone: string, name: string) =>
      `https://www.googleapis.com/compute/v1/projects/acme-ha-web-test/zones/${zone}/instances/${name}`;
    const listing = [
      {
        instance: url("us-central1-a", "web-x1"),
        instanceStatus: "RUNNING",
        currentAction: "NONE",
        instanceHealth: [{ detailedHealthState: "HEALTHY" }],
      },
      {
        // Autohealing's check passes, but the load balancer does not send it traffic yet.
        instance: url("us-central1-b", "web-x2"),
        instanceStatus: "RUNNING",
        currentAction: "NONE",
        instanceHealth: [{ detailedHealthState: "HEALTHY" }],
      },
      {
        instance: url("us-central1-c", "web-x3"),
        instanceStatus: "STAGING",
        currentAction: "CREATING",
      },
    ];
    // `gcloud compute backend-services get-health --format json`: one entry per backend group.
    const health = [
      {
        backend:
          "https://www.googleapis.com/compute/v1/projects/acme-ha-web-test/regions/us-central1/instanceGroups/web-mig",
        status: {
          healthStatus: [
            {
              healthState: "HEALTHY",
              instance: url("us-central1-a", "web-x1"),
              ipAddress: "10.0.0.2",
              port: 8080,
            },
            {
              healthState: "UNHEALTHY",
              instance: url("us-central1-b", "web-x2"),
              ipAddress: "10.0.0.3",
              port: 8080,
            },
          ],
          kind: "compute#backendServiceGroupHealth",
        },
      },
    ];
    const answers = (argv: readonly string[]) =>
      argv.includes("get-health")
        ? health
        : argv.includes("describe")
          ? { name: "web-mig", targetSize: 4 }
          : listing;

    it("healthy means running, no action pending and HEALTHY in the backend service", async () => {
      const { exec, calls } = recordingExec(answers);
      const instances = await cloudGroup(group, exec).list();
      assert.deepEqual(calls, [
        [
          "gcloud",
          "compute",
          "instance-groups",
          "managed",
          "list-instances",
          "web-mig",
          "--region",
          "us-central1",
          "--project",
          "acme-ha-web-test",
          "--format",
          "json",
        ],
        [
          "gcloud",
          "compute",
          "backend-services",
          "get-health",
          "web-backend",
          "--global",
          "--project",
          "acme-ha-web-test",
          "--format",
          "json",
        ],
      ]);
      assert.deepEqual(instances, [
        {
          id: "web-x1",
          healthy: true,
          zone: "us-central1-a",
          detail: "RUNNING/NONE/HEALTHY/lb HEALTHY",
        },
        {
          id: "web-x2",
          healthy: false,
          zone: "us-central1-b",
          detail: "RUNNING/NONE/HEALTHY/lb UNHEALTHY",
        },
        {
          id: "web-x3",
          healthy: false,
          zone: "us-central1-c",
          detail: "STAGING/CREATING/lb not in backend",
        },
      ]);
    });

    it("reads the live target size", async () => {
      const { exec, calls } = recordingExec(answers);
      assert.equal(await cloudGroup(group, exec).desiredSize(), 4);
      assert.deepEqual(calls, [
        [
          "gcloud",
          "compute",
          "instance-groups",
          "managed",
          "describe",
          "web-mig",
          "--region",
          "us-central1",
          "--project",
          "acme-ha-web-test",
          "--format",
          "json",
        ],
      ]);
    });

    it("deletes the VM itself in its zone, with --project, not through the group (which would shrink it)", async () => {
      const { exec, calls } = recordingExec(answers);
      const mig = cloudGroup(group, exec);
      const [first] = await mig.list();
      assert.ok(first);
      await mig.remove(first);
      assert.deepEqual(calls.at(-1), [
        "gcloud",
        "compute",
        "instances",
        "delete",
        "web-x1",
        "--zone",
        "us-central1-a",
        "--project",
        "acme-ha-web-test",
        "--quiet",
      ]);
      assert.ok(!calls.flat().includes("delete-instances"));
    });
  });

  describe("Azure scale set (az vmss)", () => {
    const group = {
      kind: "azure-vmss",
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      resourceGroup: "web-rg",
      scaleSet: "web-vmss",
    } as const;
    const where = [
      "--resource-group",
      "web-rg",
      "--name",
      "web-vmss",
      "--subscription",
      "00000000-0000-0000-0000-000000000001",
    ];
    const vm = (id: string, health: string | undefined, state = "Succeeded") => ({
      instanceId: id,
      name: `web-vmss_${id}`,
      provisioningState: state,
      zones: ["1"],
      instanceView: {
        statuses: [{ code: "ProvisioningState/succeeded" }, { code: "PowerState/running" }],
        ...(health === undefined ? {} : { vmHealth: { status: { code: health } } }),
      },
    });

    it("lists instances with their instance view; healthy is the health extension's verdict", async () => {
      const { exec, calls } = recordingExec(() => [
        vm("0", "HealthState/healthy"),
        vm("1", "HealthState/unhealthy"),
        vm("2", undefined, "Creating"),
      ]);
      const instances = await cloudGroup(group, exec).list();
      assert.deepEqual(calls, [
        ["az", "vmss", "list-instances", ...where, "--expand", "instanceView", "--output", "json"],
      ]);
      assert.deepEqual(
        instances.map((i) => [i.id, i.healthy, i.zone, i.detail]),
        [
          ["0", true, "1", "Succeeded/PowerState/running/HealthState/healthy"],
          ["1", false, "1", "Succeeded/PowerState/running/HealthState/unhealthy"],
          ["2", false, "1", "Creating/PowerState/running/no health yet"],
        ],
      );
    });

    it("deletes the instance, then restores the LIVE capacity (autoscale grew it to 5), not the stack file's", async () => {
      const { exec, calls } = recordingExec((argv) =>
        argv[2] === "show"
          ? { name: "web-vmss", sku: { name: "Standard_D2s_v5", tier: "Standard", capacity: 5 } }
          : [vm("0", "HealthState/healthy")],
      );
      const vmss = cloudGroup(group, exec);
      const [first] = await vmss.list();
      assert.ok(first);
      assert.equal(await vmss.remove(first), "az vmss delete-instances 0, then capacity back to 5");
      assert.deepEqual(calls.slice(1), [
        ["az", "vmss", "show", ...where, "--output", "json"],
        ["az", "vmss", "delete-instances", ...where, "--instance-ids", "0"],
        ["az", "vmss", "scale", ...where, "--new-capacity", "5", "--no-wait"],
      ]);
    });

    // `az vmss rolling-upgrade get-latest`: runningStatus.code is RollingForward, Cancelled,
    // Completed or Faulted (RollingUpgradeStatusCode in the Compute REST API).
    const upgrade = (code: string, failed = 0) => ({
      runningStatus: { code, startTime: "2026-11-29T10:00:00Z", lastAction: "Start" },
      progress: {
        successfulInstanceCount: 2,
        failedInstanceCount: failed,
        inProgressInstanceCount: 0,
        pendingInstanceCount: code === "RollingForward" ? 1 : 0,
      },
      ...(code === "Faulted"
        ? {
            error: { code: "RollingUpgradeFaulted", message: "1 instance failed its health check" },
          }
        : {}),
    });

    it("waits for the rolling upgrade that goes on after pulumi up, until Completed", async () => {
      const codes = ["RollingForward", "RollingForward", "Completed"];
      const { exec, calls } = recordingExec(() => upgrade(codes.shift() ?? "Completed"));
      const settle = cloudGroup(group, exec).settleRollout;
      assert.ok(settle);
      assert.deepEqual(await settle({ pollMs: 1, timeoutMs: 5_000 }), {
        outcome: "completed",
        detail: "rolling upgrade Completed: 2 upgraded, 0 failed, 0 pending",
      });
      assert.equal(calls.length, 3);
      assert.deepEqual(calls[0], [
        "az",
        "vmss",
        "rolling-upgrade",
        "get-latest",
        ...where,
        "--output",
        "json",
      ]);
    });

    it("reports a Faulted or Cancelled upgrade as halted", async () => {
      for (const code of ["Faulted", "Cancelled"]) {
        const { exec } = recordingExec(() => upgrade(code, 1));
        const settled = await cloudGroup(group, exec).settleRollout?.({
          pollMs: 1,
          timeoutMs: 5_000,
        });
        assert.equal(settled?.outcome, "halted", code);
      }
    });
  });

  it("a CLI answer that is not JSON is an error naming the command", async () => {
    const { exec } = recordingExec(
      () => "ERROR: (gcloud) You do not currently have an active account",
    );
    const mig = cloudGroup(
      {
        kind: "gce-regional-mig",
        project: "p-123456",
        region: "r",
        group: "g",
        backendService: "b",
      },
      exec,
    );
    await assert.rejects(mig.list(), {
      message:
        'gcloud compute instance-groups managed list-instances: expected JSON; got "ERROR: (gcloud) You do not currently have an active account"',
    });
  });

  describe("the stack's instanceGroup output", () => {
    it("accepts each cloud's descriptor as the providers export it", () => {
      const ecs = { kind: "ecs-service", region: "us-east-1", cluster: "c", service: "s" };
      assert.deepEqual(parseInstanceGroup(ecs), ecs);
    });
    const rows: Array<[string, unknown, string]> = [
      [
        "no output at all",
        undefined,
        "stack output instanceGroup: expected an object whose kind is one of ecs-service, gce-regional-mig, azure-vmss; got undefined",
      ],
      [
        "an unknown kind",
        { kind: "eks-nodegroup" },
        'stack output instanceGroup: expected an object whose kind is one of ecs-service, gce-regional-mig, azure-vmss; got {"kind":"eks-nodegroup"}',
      ],
      [
        "a missing field",
        { kind: "azure-vmss", subscriptionId: "s", resourceGroup: "rg" },
        'stack output instanceGroup: expected azure-vmss to have a string scaleSet; got {"kind":"azure-vmss","subscriptionId":"s","resourceGroup":"rg"}',
      ],
      [
        "a MIG without its backend service",
        { kind: "gce-regional-mig", project: "p", region: "r", group: "g" },
        'stack output instanceGroup: expected gce-regional-mig to have a string backendService; got {"kind":"gce-regional-mig","project":"p","region":"r","group":"g"}',
      ],
    ];
    for (const [name, value, message] of rows) {
      it(`refuses ${name}`, () => assert.throws(() => parseInstanceGroup(value), { message }));
    }
  });
});
