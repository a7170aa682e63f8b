import assert from "node:assert/strict";
import { guardedRules, ofType, one } from "../helpers/plan";
import { everything, expected, inputs, plan, stacks, T, Resources } from "./helpers";

for (const stack of stacks) {
  describe(`gcp identity and registry (${stack})`, () => {
    const want = expected[stack];
    const load = () => plan(stack, everything);

    guardedRules<Resources>(load, [
      {
        // The instances can write logs and metrics and pull the service's images from the
        // project's shared repository (bootstrap/registry.ts): nothing else, and nothing granted
        // by replacing the project's policy.
        name: "the instances' service account holds exactly logWriter and metricWriter on the project and reader on the shared repository",
        check: (p) => {
          // The account the instances run as is the one every grant names.
          const member = `serviceAccount:${inputs(one(p, T.template)).serviceAccount.email}`;
          const projectGrants = ofType(p, T.projectMember).map((r) => [
            inputs(r).project,
            inputs(r).role,
            inputs(r).member,
          ]);
          assert.deepEqual(projectGrants.sort(), [
            [want.project, "roles/logging.logWriter", member],
            [want.project, "roles/monitoring.metricWriter", member],
          ]);
          const repoGrants = ofType(p, T.repositoryMember).map((r) => inputs(r));
          assert.deepEqual(repoGrants, [
            {
              project: want.project,
              location: "us-central1",
              repository: "ha-web-service",
              role: "roles/artifactregistry.reader",
              member,
            },
          ]);
          // Authoritative bindings and policies would strip grants made outside this stack.
          const authoritative = p.resources.filter((r) =>
            /IAMBinding|IAMPolicy|IamBinding|IamPolicy/.test(r.type),
          );
          assert.deepEqual(authoritative, []);
        },
        breakIt: (p) => {
          const broken = { resources: [...p.resources] };
          const grant = structuredClone(one(p, T.projectMember, "web-vm-logging"));
          broken.resources.push({
            ...grant,
            name: "web-vm-editor",
            inputs: { ...grant.inputs, role: "roles/editor" },
          });
          return broken;
        },
      },
      {
        // The pipeline bootstrap creates this account per environment and lets only that
        // environment's deploy account act as it (bootstrap/gcp.ts); the deploy account may not
        // create service accounts, so the program uses it by email and creates none.
        name: "instances run as the bootstrap's instance account of this stack, with the cloud-platform scope",
        check: (p) => {
          assert.deepEqual(ofType(p, T.serviceAccount), []);
          assert.deepEqual(inputs(one(p, T.template)).serviceAccount, {
            email: `ha-web-${stack}-vm@${want.project}.iam.gserviceaccount.com`,
            scopes: ["https://www.googleapis.com/auth/cloud-platform"],
          });
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          // The Compute Engine default service account: Editor on the project in most setups.
          inputs(one(broken, T.template)).serviceAccount.email =
            "123456789012-compute@developer.gserviceaccount.com";
          return broken;
        },
      },
      {
        // The registry must exist before a stack's first deploy, so the bootstrap owns it
        // (tests/registry/bootstrap.test.ts checks its settings); a stack that made its own
        // would need a targeted update on a fresh stack, which the engine refuses.
        name: "creates no repository: the instances pull from the bootstrap's shared one",
        check: (p) => {
          assert.deepEqual(ofType(p, T.repository), []);
        },
        breakIt: (p) => {
          const broken = { resources: [...structuredClone(p.resources)] };
          broken.resources.push({ ...structuredClone(one(p, T.template)), type: T.repository });
          return broken;
        },
      },
    ]);

    it("runs the image of the stack's version from the shared repository", async () => {
      const script = inputs(one(await load(), T.template)).metadata["startup-script"] as string;
      assert.match(
        script,
        new RegExp(
          `^readonly IMAGE='us-central1-docker\\.pkg\\.dev/${want.project}/ha-web-service/web:1\\.0\\.0'$`,
          "m",
        ),
      );
    });
  });
}
