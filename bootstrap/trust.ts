/**
 * Who may use the pipeline identities, as GitHub's OIDC tokens name them, and checkers that every
 * cloud's trust configuration is held to. Pure: the bootstrap program builds its trust documents
 * from these functions and the tests run the checkers on them and on broken fixtures.
 *
 * GitHub puts the workflow's context in the token's `sub` claim:
 * - `repo:<owner/name>:pull_request` for a job run by a pull_request event,
 * - `repo:<owner/name>:ref:refs/heads/<branch>` for a job on a branch without an environment,
 * - `repo:<owner/name>:environment:<env>` for a job that declares `environment:`.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
 */

export const githubIssuer = "https://token.actions.githubusercontent.com";
export const githubIssuerHost = "token.actions.githubusercontent.com";
/** The audience aws-actions/configure-aws-credentials requests. */
export const awsAudience = "sts.amazonaws.com";
/** The audience azure/login requests; Entra ID only accepts this one for federation. */
export const azureAudience = "api://AzureADTokenExchange";

/** The pipeline's identities: read-only for previews, read-write for deploys. */
export type PipelineRole = "preview" | "deploy";
export const pipelineRoles: readonly PipelineRole[] = ["preview", "deploy"];

export type PipelineSubjects = Readonly<Record<PipelineRole, readonly string[]>>;

/**
 * The exact subjects each identity trusts. The deploy identity trusts only environment subjects:
 * GitHub issues those only to jobs that passed the environment's protection rules (required
 * reviewers on prod), so a job on main that leaves out `environment:` gets a `ref:` subject and
 * cannot deploy. The read-only identity also trusts `ref:refs/heads/main` so a preview can run
 * from main (a manual run of the pull-request workflow, to look for drift).
 */
export function pipelineSubjects(
  repository: string,
  environments: readonly string[],
): PipelineSubjects {
  return {
    preview: [`repo:${repository}:pull_request`, `repo:${repository}:ref:refs/heads/main`],
    deploy: environments.map((environment) => deploySubject(repository, environment)),
  };
}

/**
 * The one subject the deploy identity of `environment` trusts. One identity per environment:
 * with a shared one, a job on any branch that declares the least protected environment
 * (`environment: test`) would get the rights that deploy prod too.
 */
export function deploySubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/**
 * Problems with a list of trusted subjects: wildcards, other repositories, other branches, or
 * environments the pipeline does not deploy. One message per bad subject.
 */
export function checkSubjects(
  subjects: readonly string[],
  repository: string,
  environments: readonly string[],
): string[] {
  const problems: string[] = [];
  const prefix = `repo:${repository}:`;
  const allowedKinds = [
    "pull_request",
    "ref:refs/heads/main",
    ...environments.map((environment) => `environment:${environment}`),
  ];
  if (subjects.length === 0) problems.push("no subject: the identity would trust no workflow");
  for (const subject of subjects) {
    if (/[*?]/.test(subject)) {
      problems.push(`subject ${JSON.stringify(subject)} has a wildcard; list exact subjects`);
    } else if (!subject.startsWith(prefix)) {
      problems.push(`subject ${JSON.stringify(subject)} is not of repository ${repository}`);
    } else if (!allowedKinds.includes(subject.slice(prefix.length))) {
      problems.push(
        `subject ${JSON.stringify(subject)} is not one of ${allowedKinds.map((k) => prefix + k).join(", ")}`,
      );
    }
  }
  return problems;
}

/** An IAM policy document, as far as the checkers read it. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>
  >;
}

const subKey = `${githubIssuerHost}:sub`;
const audKey = `${githubIssuerHost}:aud`;
/**
 * The repository's numeric id, which never changes. The `sub` claim names the repository, and a
 * name can be taken over: rename or delete the repository and anyone may create one with the old
 * name. AWS STS checks GitHub's `repository_id` claim as a condition key since January 2026
 * (https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/).
 */
const repositoryIdKey = `${githubIssuerHost}:repository_id`;

/**
 * The trust policy of an AWS role for GitHub's OIDC provider. `StringEquals` on `sub` with a list
 * matches any one of the listed subjects exactly; no `StringLike`, so no pattern can widen it.
 */
export function githubTrustPolicy(
  providerArn: string,
  subjects: readonly string[],
  repositoryId: string,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GitHubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [audKey]: awsAudience,
            [repositoryIdKey]: repositoryId,
            [subKey]: [...subjects],
          },
        },
      },
    ],
  };
}

/**
 * Problems with an AWS role trust policy meant for GitHub Actions: a `*` or account principal, a
 * missing audience or subject condition, a subject pattern, or subjects other than `expected`.
 */
export function checkGithubTrustPolicy(
  document: PolicyDocument,
  expected: {
    readonly providerArn: string;
    readonly repository: string;
    readonly environments: readonly string[];
    readonly subjects: readonly string[];
    readonly repositoryId: string;
  },
): string[] {
  const problems: string[] = [];
  const trusted: string[] = [];
  for (const [index, statement] of document.Statement.entries()) {
    const at = `Statement[${index}]`;
    if (statement.Effect !== "Allow") continue;
    const principal = statement.Principal as Record<string, unknown> | string | undefined;
    if (
      typeof principal !== "object" ||
      principal === null ||
      Object.keys(principal).length !== 1 ||
      principal.Federated !== expected.providerArn
    ) {
      problems.push(
        `${at}: Principal must be exactly {"Federated": "${expected.providerArn}"}; got ${JSON.stringify(principal)}`,
      );
    }
    if (statement.Action !== "sts:AssumeRoleWithWebIdentity") {
      problems.push(
        `${at}: Action must be "sts:AssumeRoleWithWebIdentity"; got ${JSON.stringify(statement.Action)}`,
      );
    }
    const conditions = statement.Condition ?? {};
    if (conditions.StringEquals?.[audKey] !== awsAudience) {
      problems.push(`${at}: needs StringEquals ${audKey} = ${awsAudience}`);
    }
    if (conditions.StringEquals?.[repositoryIdKey] !== expected.repositoryId) {
      problems.push(
        `${at}: needs StringEquals ${repositoryIdKey} = ${expected.repositoryId}, the repository's immutable id; a name can be re-registered by someone else`,
      );
    }
    let hasSubject = false;
    for (const [operator, keys] of Object.entries(conditions)) {
      if (!(subKey in keys)) continue;
      hasSubject = true;
      const values = ([] as string[]).concat(keys[subKey] as string | string[]);
      if (operator !== "StringEquals" && operator !== "StringLike") {
        problems.push(`${at}: ${subKey} must be matched with StringEquals; got ${operator}`);
      }
      trusted.push(...values);
    }
    if (!hasSubject) {
      problems.push(
        `${at}: no ${subKey} condition, so every repository on GitHub could assume the role`,
      );
    }
  }
  problems.push(...checkSubjects(trusted, expected.repository, expected.environments));
  const missing = expected.subjects.filter((subject) => !trusted.includes(subject));
  const extra = trusted.filter((subject) => !expected.subjects.includes(subject));
  if (missing.length > 0) problems.push(`missing subjects: ${missing.join(", ")}`);
  if (extra.length > 0) problems.push(`unexpected subjects: ${extra.join(", ")}`);
  return problems;
}

/**
 * The condition a GCP workload identity provider evaluates on every token before it is accepted:
 * the repository by its immutable id (GitHub's `repository_id` claim), and then only the listed subjects. Without a condition any GitHub repository
 * could exchange its tokens with the pool (Google now requires one for GitHub providers).
 */
export function gcpAttributeCondition(repositoryId: string, subjects: readonly string[]): string {
  return `assertion.repository_id == '${repositoryId}' && assertion.sub in [${subjects.map((s) => `'${s}'`).join(", ")}]`;
}

/**
 * Problems with a GCP provider condition and the IAM members allowed to impersonate a service
 * account: the condition must pin the repository and list exact subjects; every member must be a
 * single `principal://.../subject/<sub>`, never a `principalSet` (which matches many tokens).
 */
export function checkGcpTrust(
  condition: string,
  members: readonly string[],
  expected: {
    readonly repository: string;
    readonly repositoryId: string;
    readonly environments: readonly string[];
  },
): string[] {
  const problems: string[] = [];
  const repositoryId = /assertion\.repository_id == '([^']*)'/.exec(condition)?.[1];
  if (repositoryId !== expected.repositoryId) {
    problems.push(
      `attributeCondition must require assertion.repository_id == '${expected.repositoryId}' (the immutable id, not the name); got ${JSON.stringify(condition)}`,
    );
  }
  const list = /assertion\.sub in \[([^\]]*)\]/.exec(condition)?.[1];
  if (list === undefined) {
    problems.push("attributeCondition must list the exact subjects (assertion.sub in [...])");
  } else {
    const subjects = [...list.matchAll(/'([^']*)'/g)].map((match) => match[1]);
    problems.push(...checkSubjects(subjects, expected.repository, expected.environments));
  }
  if (/\|\|/.test(condition)) {
    problems.push("attributeCondition must not contain ||, which can widen it past the repository");
  }
  for (const member of members) {
    const subject =
      /^principal:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+\/subject\/(.+)$/.exec(
        member,
      )?.[1];
    if (subject === undefined) {
      problems.push(`member ${JSON.stringify(member)} is not a single federated subject`);
    } else {
      problems.push(...checkSubjects([subject], expected.repository, expected.environments));
    }
  }
  return problems;
}

/** One Azure federated identity credential, as far as the checker reads it. */
export interface FederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/**
 * Problems with the federated credentials of an Azure managed identity. Entra ID matches the
 * subject exactly (no patterns), so the risks are the wrong issuer, audience or subject.
 */
export function checkAzureTrust(
  credentials: readonly FederatedCredential[],
  expected: { readonly repository: string; readonly environments: readonly string[] },
): string[] {
  const problems: string[] = [];
  for (const credential of credentials) {
    if (credential.issuer !== githubIssuer) {
      problems.push(`issuer must be ${githubIssuer}; got ${JSON.stringify(credential.issuer)}`);
    }
    if (credential.audiences.length !== 1 || credential.audiences[0] !== azureAudience) {
      problems.push(
        `audiences must be ["${azureAudience}"]; got ${JSON.stringify(credential.audiences)}`,
      );
    }
  }
  problems.push(
    ...checkSubjects(
      credentials.map((credential) => credential.subject),
      expected.repository,
      expected.environments,
    ),
  );
  return problems;
}
