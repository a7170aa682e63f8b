import assert from "node:assert/strict";
import { cloudGroup } from "../../tools/drill/clouds";
import { parseInstanceGroup } from "../../tools/drill/stack";
import { recordingExec } from "./fakes";

/**
 * The cloud adapters, on canned CLI answers: the exact argv each cloud gets, and how its answer
 * becomes instances with a health verdict.
 */
describe("drill cloud adapters", () => {
  describe("ECS (aws ecs)", () => {
    const group = {
      kind: "ecs-service",
      region: "us-east-1",
      cluster: "web-cluster",
      service: "web-service",
    } as const;
    const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/web-cluster/${id}`;

    it("lists the service's running tasks, then describes them for health and image", async () => {
      const { exec, calls } = recordingExec((argv) =>
        argv[2] === "list-tasks"
          ? { taskArns: [arn("aaa"), arn("bbb")] }
          : {
              tasks: [
                {
                  taskArn: arn("aaa"),
                  lastStatus: "RUNNING",
                  healthStatus: "HEALTHY",
                  availabilityZone: "us-east-1a",
                  containers: [{ image: "123.dkr.ecr.us-east-1.amazonaws.com/web:1.0.6" }],
                },
                {
                  taskArn: arn("bbb"),
                  lastStatus: "PROVISIONING",
                  healthStatus: "UNKNOWN",
                  availabilityZone: "us-east-1b",
                },
              ],
            },
      );
      const instances = await cloudGroup(group, exec).list();
      assert.deepEqual(calls, [
        [
          "aws",
          "ecs",
          "list-tasks",
          "--region",
          "us-east-1",
          "--cluster",
          "web-cluster",
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
          "--region",
          "us-east-1",
          "--cluster",
          "web-cluster",
          "--tasks",
          arn("aaa"),
          arn("bbb"),
          "--output",
          "json",
        ],
      ]);
      assert.deepEqual(instances, [
        {
          id: "aaa",
          healthy: true,
          zone: "us-east-1a",
          version: "1.0.6",
          detail: "RUNNING/HEALTHY",
        },
        {
          id: "bbb",
          healthy: false,
          zone: "us-east-1b",
          version: undefined,
          detail: "PROVISIONING/UNKNOWN",
        },
      ]);
    });

    it("does not describe an empty service", async () => {
      const { exec, calls } = recordingExec(() => ({ taskArns: [] }));
      assert.deepEqual(await cloudGroup(group, exec).list(), []);
      assert.equal(calls.length, 1);
    });

    it("removes a task with stop-task (the service keeps its desired count and replaces it)", async () => {
      const { exec, calls } = recordingExec((argv) =>
        argv[2] === "list-tasks"
          ? { taskArns: [arn("aaa")] }
          : argv[2] === "describe-tasks"
            ? { tasks: [{ taskArn: arn("aaa"), lastStatus: "RUNNING", healthStatus: "HEALTHY" }] }
            : {},
      );
      const ecs = cloudGroup(group, exec);
      const [task] = await ecs.list();
      assert.ok(task);
      const detail = await ecs.remove(task, 2);
      assert.deepEqual(calls[2], [
        "aws",
        "ecs",
        "stop-task",
        "--region",
        "us-east-1",
        "--cluster",
        "web-cluster",
        "--task",
        arn("aaa"),
        "--reason",
        "drill: self-heal (npm run drill)",
        "--output",
        "json",
      ]);
      assert.equal(detail, "aws ecs stop-task aaa: the service starts a replacement");
    });
  });

  describe("GCE regional MIG (gcloud)", () => {
    const group = {
      kind: "gce-regional-mig",
      project: "acme-ha-web-test",
      region: "us-central1",
      group: "web-mig",
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
        instance: url("us-central1-b", "web-x2"),
        instanceStatus: "RUNNING",
        currentAction: "NONE",
        instanceHealth: [{ detailedHealthState: "UNHEALTHY" }],
      },
      {
        instance: url("us-central1-c", "web-x3"),
        instanceStatus: "STAGING",
        currentAction: "CREATING",
      },
    ];

    it("lists the group's instances; healthy means running, no action pending, every check healthy", async () => {
      const { exec, calls } = recordingExec(() => listing);
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
      ]);
      assert.deepEqual(instances, [
        { id: "web-x1", healthy: true, zone: "us-central1-a", detail: "RUNNING/NONE/HEALTHY" },
        { id: "web-x2", healthy: false, zone: "us-central1-b", detail: "RUNNING/NONE/UNHEALTHY" },
        { id: "web-x3", healthy: false, zone: "us-central1-c", detail: "STAGING/CREATING" },
      ]);
    });

    it("deletes the VM itself in its zone, not through the group (which would shrink it)", async () => {
      const { exec, calls } = recordingExec(() => listing);
      const mig = cloudGroup(group, exec);
      const [first] = await mig.list();
      assert.ok(first);
      await mig.remove(first, 3);
      assert.deepEqual(calls[1], [
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

    it("deletes the instance, then sets the capacity back so a replacement is created", async () => {
      const { exec, calls } = recordingExec(() => [vm("0", "HealthState/healthy")]);
      const vmss = cloudGroup(group, exec);
      const [first] = await vmss.list();
      assert.ok(first);
      assert.equal(
        await vmss.remove(first, 3),
        "az vmss delete-instances 0, then capacity back to 3",
      );
      assert.deepEqual(calls.slice(1), [
        ["az", "vmss", "delete-instances", ...where, "--instance-ids", "0"],
        ["az", "vmss", "scale", ...where, "--new-capacity", "3", "--no-wait"],
      ]);
    });
  });

  it("a CLI answer that is not JSON is an error naming the command", async () => {
    const { exec } = recordingExec(
      () => "ERROR: (gcloud) You do not currently have an active account",
    );
    const mig = cloudGroup(
      { kind: "gce-regional-mig", project: "p-123456", region: "r", group: "g" },
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
    ];
    for (const [name, value, message] of rows) {
      it(`refuses ${name}`, () => assert.throws(() => parseInstanceGroup(value), { message }));
    }
  });
});
