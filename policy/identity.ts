/**
 * Identity policies: every grant names what it allows, and no identity gets an administrator-like
 * role.
 */
import {
  asArray,
  asObject,
  asString,
  asStrings,
  at,
  forTypes,
  jsonDocument,
  Props,
  resourcePolicy,
} from "./lib";
import { aws, azure, gcp, gcpIamGrant, gcpIamPolicy } from "./types";

// ---------------------------------------------------------------------------------------------
// AWS policy documents

/**
 * Actions that may be granted on `Resource: "*"`: those AWS offers no resource-level permission
 * for. `ecr:GetAuthorizationToken` is one; the token it returns is useless without pull rights on
 * a repository, which are granted per repository ARN.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
 */
export const defaultWildcardResourceActions = ["ecr:GetAuthorizationToken"];

interface Statement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: string;
  readonly actions: string[];
  readonly notActions: string[];
  readonly resources: string[];
  readonly notResources: string[];
  readonly principals: string[];
}

/** The statements of an IAM document, given as JSON text or an object. */
export function statementsOf(document: unknown): Statement[] | undefined {
  const doc = asObject(jsonDocument(document));
  if (doc === undefined) return undefined;
  return asArray(doc.Statement).map((raw, index) => {
    const s = asObject(raw) ?? {};
    const principal = s.Principal;
    const principals =
      principal === "*"
        ? ["*"]
        : Object.values(asObject(principal) ?? {}).flatMap((value) => asStrings(value));
    return {
      index,
      sid: asString(s.Sid),
      effect: asString(s.Effect) ?? "",
      actions: asStrings(s.Action),
      notActions: asStrings(s.NotAction),
      resources: asStrings(s.Resource),
      notResources: asStrings(s.NotResource),
      principals,
    };
  });
}

const hasWildcard = (text: string) => text.includes("*") || text.includes("?");

/** Problems with one document; `trust` documents are checked for wildcard principals instead. */
export function wildcardProblems(
  document: unknown,
  allowedOnAnyResource: readonly string[],
  kind: "identity" | "trust",
): string[] {
  const statements = statementsOf(document);
  if (statements === undefined) return ["the document is not valid JSON"];
  const problems: string[] = [];
  for (const s of statements) {
    if (s.effect !== "Allow") continue;
    const label = `Statement[${s.index}]${s.sid ? ` (${s.sid})` : ""}`;
    if (kind === "trust") {
      if (s.principals.includes("*")) {
        problems.push(`${label} lets any principal assume the role`);
      }
      continue;
    }
    if (s.notActions.length > 0) {
      problems.push(`${label} uses NotAction, which allows every action not listed`);
    }
    const wildActions = s.actions.filter(hasWildcard);
    if (wildActions.length > 0) {
      problems.push(`${label} allows wildcard actions ${wildActions.join(", ")}; name each action`);
    }
    if (s.notResources.length > 0) {
      problems.push(`${label} uses NotResource, which allows every resource not listed`);
    }
    if (s.resources.some((r) => r === "*")) {
      const extra = s.actions.filter((a) => !allowedOnAnyResource.includes(a));
      if (extra.length > 0) {
        problems.push(
          `${label} allows ${extra.join(", ")} on every resource (*); only ${allowedOnAnyResource.join(", ")} may use Resource "*"`,
        );
      }
    }
  }
  return problems;
}

interface WildcardConfig {
  allowedOnAnyResource?: string[];
}

function checkDocument(kind: "identity" | "trust", path: string) {
  return (document: unknown, report: (message: string) => void, config: WildcardConfig): void => {
    if (document === undefined) return;
    const allowed = config.allowedOnAnyResource ?? defaultWildcardResourceActions;
    for (const problem of wildcardProblems(document, allowed, kind)) {
      report(`${path}: ${problem}`);
    }
  };
}

export const noWildcardIamActions = resourcePolicy(
  {
    name: "no-wildcard-iam-actions",
    description:
      'IAM grants name their actions and resources: no "*" actions, NotAction or NotResource, Resource "*" only for actions on the allow-list (ecr:GetAuthorizationToken), no role any principal may assume, no Azure custom role with wildcard actions.',
    enforcementLevel: "mandatory",
    severity: "critical",
    configSchema: {
      properties: {
        allowedOnAnyResource: {
          type: "array",
          items: { type: "string" },
          default: defaultWildcardResourceActions,
        },
      },
    },
  },
  {
    [aws.role]: (props, report, args) => {
      const config = args.getConfig<WildcardConfig>();
      checkDocument("trust", "assumeRolePolicy")(props.assumeRolePolicy, report, config);
      asArray(props.inlinePolicies).forEach((inline, index) => {
        checkDocument("identity", `inlinePolicies[${index}].policy`)(
          at(inline, "policy"),
          report,
          config,
        );
      });
    },
    ...forTypes(
      [aws.rolePolicy, aws.policy, aws.userPolicy, aws.groupPolicy],
      (props, report, args) =>
        checkDocument("identity", "policy")(props.policy, report, args.getConfig<WildcardConfig>()),
    ),
    [azure.roleDefinition]: (props, report) => {
      asArray(props.permissions).forEach((permission, index) => {
        for (const key of ["actions", "dataActions"]) {
          const wild = asStrings(at(permission, key)).filter(hasWildcard);
          if (wild.length > 0) {
            report(`permissions[${index}].${key} has wildcards ${wild.join(", ")}`);
          }
        }
      });
    },
  },
);

// ---------------------------------------------------------------------------------------------
// Broad roles

/** AWS managed policies that amount to administrator rights. */
export const broadAwsPolicies = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
];

/** GCP's basic (primitive) roles: project-wide, thousands of permissions each. */
export const broadGcpRoles = ["roles/owner", "roles/editor", "roles/viewer"];

/**
 * Azure built-in role definition ids: Owner, Contributor, and User Access Administrator (which can
 * grant itself Owner). They are the same GUIDs in every tenant.
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
export const broadAzureRoles: Readonly<Record<string, string>> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
};

/** Matches a managed policy ARN in any partition (aws, aws-cn, aws-us-gov). */
function isBroadAwsPolicy(arn: string): boolean {
  const normalised = arn.replace(/^arn:aws[a-z-]*:/, "arn:aws:");
  return broadAwsPolicies.includes(normalised);
}

function checkGcpRole(role: string | undefined, where: string, report: (m: string) => void) {
  if (role !== undefined && broadGcpRoles.includes(role)) {
    report(`${where} grants ${role}, a basic role; grant the predefined roles the workload needs`);
  }
}

function gcpGrantCheck(props: Props, report: (message: string) => void): void {
  checkGcpRole(asString(props.role), "role", report);
}

function gcpPolicyCheck(props: Props, report: (message: string) => void): void {
  const policy = asObject(jsonDocument(props.policyData));
  asArray(policy?.bindings).forEach((binding, index) =>
    checkGcpRole(asString(at(binding, "role")), `policyData.bindings[${index}]`, report),
  );
}

export const noBroadRoles = resourcePolicy(
  {
    name: "no-broad-roles",
    description:
      "No identity is given an administrator-like role: AWS AdministratorAccess or PowerUserAccess, GCP roles/owner, roles/editor or roles/viewer, Azure Owner, Contributor or User Access Administrator.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  {
    [aws.role]: (props, report) => {
      for (const arn of asStrings(props.managedPolicyArns).filter(isBroadAwsPolicy)) {
        report(`managedPolicyArns attaches ${arn}`);
      }
    },
    ...forTypes(
      [
        aws.rolePolicyAttachment,
        aws.policyAttachment,
        aws.userPolicyAttachment,
        aws.groupPolicyAttachment,
      ],
      (props, report) => {
        const arn = asString(props.policyArn);
        if (arn !== undefined && isBroadAwsPolicy(arn)) report(`attaches ${arn}`);
      },
    ),
    [azure.assignment]: (props, report) => {
      const id = (asString(props.roleDefinitionId) ?? "").toLowerCase();
      const guid = id.split("/").pop() ?? "";
      const role = broadAzureRoles[guid];
      if (role !== undefined) {
        report(
          `roleDefinitionId is ${role} (${guid}); assign the built-in role that grants only what is needed`,
        );
      }
    },
  },
  // GCP has one member and one binding type per resource kind; their tokens say what they are.
  [
    [gcpIamGrant, gcpGrantCheck],
    [gcpIamPolicy, gcpPolicyCheck],
  ],
);

// ---------------------------------------------------------------------------------------------
// GCP default service account

/** `<project number>-compute@developer.gserviceaccount.com`, which has Editor in most projects. */
const defaultComputeAccount = /-compute@developer\.gserviceaccount\.com$/;

export const gcpNoDefaultServiceAccount = resourcePolicy(
  {
    name: "gcp-no-default-compute-service-account",
    description:
      "Compute Engine instances run as a dedicated service account, never the default compute service account (Editor on the project in most organisations).",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  forTypes([gcp.template, gcp.regionTemplate, gcp.instance], (props, report) => {
    const email = asString(at(props, "serviceAccount", "email"));
    if (email === undefined || email === "default" || defaultComputeAccount.test(email)) {
      report(
        `serviceAccount.email is ${JSON.stringify(email)}: the VMs would run as the default compute service account; set a dedicated one`,
      );
    }
  }),
);

export const identityPolicies = [noWildcardIamActions, noBroadRoles, gcpNoDefaultServiceAccount];
