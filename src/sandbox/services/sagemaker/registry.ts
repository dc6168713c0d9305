import { TransformInstanceType } from "@aws-sdk/client-sagemaker";
import { ServiceError } from "../../errors";
import { callerIdentity } from "../../identity";
import { record } from "../../records";
import type { Operation, OperationContext } from "../../service";
import { list, map, required, str, struct, type Spec } from "../../validate";
import { DESCRIPTION, errors, forEvent, INSTANCE_TYPES, NAME_OR_ARN, NAME_PATTERN, nameFrom, page, sorted, sortSpec, tagList, VERSIONED_NAME_OR_ARN } from "./common";

/** The Model Registry: versioned model package groups, approval, and their state-change events. */

const APPROVAL = ["Approved", "Rejected", "PendingManualApproval"] as const;
type Approval = (typeof APPROVAL)[number];

interface ModelPackage {
  group: string;
  version: number;
  arn: string;
  description?: string;
  /** Epoch milliseconds, sandbox time. */
  created: number;
  modified: number;
  approval: Approval;
  approvalDescription?: string;
  inferenceSpecification?: unknown;
  modelMetrics?: unknown;
  metadataProperties?: unknown;
  customerMetadata?: Record<string, string>;
  clientToken?: string;
  /** UserContext of the creator (absent in state files from before CreatedBy). */
  createdBy?: UserContext;
}

/** SageMaker's UserContext: outside Studio only the IAM identity is known. */
interface UserContext {
  IamIdentity: { Arn: string; PrincipalId: string };
}

export function userContext(accountId: string): UserContext {
  const { Arn, UserId } = callerIdentity(accountId);
  return { IamIdentity: { Arn, PrincipalId: UserId } };
}

interface ModelPackageGroup {
  name: string;
  arn: string;
  description?: string;
  created: number;
  status: "Completed";
  /** Versions are never reused, even after a delete. */
  lastVersion: number;
  packages: Record<string, ModelPackage>;
  createdBy?: UserContext;
}

export interface RegistryState {
  modelPackageGroups: Record<string, ModelPackageGroup>;
}

export const initialRegistryState = (): RegistryState => ({ modelPackageGroups: {} });

type Ctx = OperationContext<RegistryState>;

/** The model's own pattern for these, `([…]*)${1,128}`, quantifies `$`: the sandbox checks the character class it means. */
const METADATA_CHARS = /[\p{L}\p{Z}\p{N}_.:\/=+\-@]*/u;
const TRANSFORM_INSTANCE_TYPES: readonly string[] = Object.values(TransformInstanceType);
const CONTENT_DIGEST = /[Ss][Hh][Aa]256:[0-9a-fA-F]{64}/;
const S3_OR_HTTPS = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const metricsSource = struct({ ContentType: required(str({ max: 256 })), ContentDigest: str({ max: 72, pattern: CONTENT_DIGEST }), S3Uri: required(str({ max: 1024, pattern: S3_OR_HTTPS })) });
const statisticsAndConstraints = struct({ Statistics: metricsSource, Constraints: metricsSource });
const customerMetadata = map(str({ min: 1, max: 256, pattern: METADATA_CHARS }), { min: 1, max: 50, key: str({ min: 1, max: 128, pattern: METADATA_CHARS }) });
const inferenceSpecification: Spec = struct({
  Containers: required(
    list(
      struct({
        Image: str({ max: 255, pattern: /[\S]+/ }),
        ModelDataUrl: str({ max: 1024, pattern: S3_OR_HTTPS }),
        Environment: map(str({ max: 1024 }), { max: 100, key: str({ max: 1024, pattern: /[a-zA-Z_][a-zA-Z0-9_]*/ }) }),
        ContainerHostname: str({ max: 63, pattern: NAME_PATTERN }),
        ImageDigest: str({ max: 72, pattern: CONTENT_DIGEST }),
        ProductId: str({ max: 256, pattern: /[a-zA-Z0-9](-*[a-zA-Z0-9])*/ }),
        Framework: str(),
        FrameworkVersion: str({ min: 3, max: 10, pattern: /[0-9]\.[A-Za-z0-9.-]+/ }),
        NearestModelName: str(),
      }),
      { min: 1, max: 15 },
    ),
  ),
  SupportedContentTypes: list(str({ max: 256 })),
  SupportedResponseMIMETypes: list(str({ max: 1024, pattern: /[-\w]+\/.+/ })),
  SupportedRealtimeInferenceInstanceTypes: list(str({ enum: INSTANCE_TYPES })),
  SupportedTransformInstanceTypes: list(str({ enum: TRANSFORM_INSTANCE_TYPES }), { min: 1 }),
});
const PACKAGE_ARN = /arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]{9,16}:[0-9]{12}:model-package\/[\S]{1,2048}/;

function findGroup(state: RegistryState, nameOrArn: string): ModelPackageGroup {
  const name = nameFrom(nameOrArn);
  // ARNs carry names in lower case; names are matched as SageMaker does, without regard to case.
  const group = (Object.hasOwn(state.modelPackageGroups, name) ? state.modelPackageGroups[name] : undefined) ?? Object.values(state.modelPackageGroups).find((g) => g.name.toLowerCase() === name.toLowerCase());
  if (!group) throw errors.validation(`Model Package Group ${name} does not exist.`);
  return group;
}

function findPackage(state: RegistryState, nameOrArn: string): ModelPackage {
  const match = /model-package\/([^/]+)\/(\d+)$/.exec(nameOrArn);
  if (!match) throw errors.validation(`Model package ${nameOrArn} does not exist.`);
  const pkg = findGroup(state, match[1]!).packages[match[2]!];
  if (!pkg) throw errors.validation(`Model package ${nameOrArn} does not exist.`);
  return pkg;
}

/** What ListModelPackages shows of a version. */
function summarize(pkg: ModelPackage) {
  return {
    ModelPackageName: pkg.group,
    ModelPackageGroupName: pkg.group,
    ModelPackageVersion: pkg.version,
    ModelPackageArn: pkg.arn,
    ModelPackageDescription: pkg.description,
    CreationTime: new Date(pkg.created),
    ModelPackageStatus: "Completed",
    ModelApprovalStatus: pkg.approval,
  };
}

/** What DescribeModelPackage shows: the summary and everything else. */
function describePackage(pkg: ModelPackage) {
  return {
    ...summarize(pkg),
    LastModifiedTime: new Date(pkg.modified),
    InferenceSpecification: pkg.inferenceSpecification,
    ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
    CertifyForMarketplace: false,
    ApprovalDescription: pkg.approvalDescription,
    ModelMetrics: pkg.modelMetrics,
    MetadataProperties: pkg.metadataProperties,
    CustomerMetadataProperties: pkg.customerMetadata,
    CreatedBy: pkg.createdBy ?? {},
  };
}

/** What EventBridge rules see on every change: the package's full description. */
function publishStateChange(ctx: Ctx, pkg: ModelPackage, status = "Completed"): void {
  ctx.events.publish({
    source: "aws.sagemaker",
    detailType: "SageMaker Model Package State Change",
    resources: [pkg.arn],
    detail: forEvent({ ...describePackage(pkg), ModelPackageStatus: status }) as Record<string, unknown>,
  });
}

function describeGroup(g: ModelPackageGroup) {
  return {
    ModelPackageGroupName: g.name,
    ModelPackageGroupArn: g.arn,
    ModelPackageGroupDescription: g.description,
    CreationTime: new Date(g.created),
    ModelPackageGroupStatus: g.status,
  };
}

/** DescribeModelPackageGroup adds CreatedBy (a required member of its output) to the summary. */
function describeGroupInFull(g: ModelPackageGroup) {
  return { ...describeGroup(g), CreatedBy: g.createdBy ?? {} };
}

export const registryOperations: Record<string, Operation<RegistryState>> = {
  CreateModelPackageGroup: {
    mutates: true,
    input: {
      ModelPackageGroupName: required(str({ min: 1, max: 63, pattern: NAME_PATTERN })),
      ModelPackageGroupDescription: str({ max: 1024, pattern: DESCRIPTION }),
      Tags: tagList,
    },
    handler: (input: { ModelPackageGroupName: string; ModelPackageGroupDescription?: string }, ctx: Ctx) => {
      const name = input.ModelPackageGroupName;
      const existing = Object.values(ctx.state.modelPackageGroups).find((g) => g.name.toLowerCase() === name.toLowerCase());
      if (existing) throw errors.validation(`Model Package Group already exists: ${existing.arn}`);
      const group: ModelPackageGroup = {
        name,
        arn: ctx.arn(`model-package-group/${name.toLowerCase()}`),
        description: input.ModelPackageGroupDescription,
        created: ctx.clock.now(),
        status: "Completed",
        lastVersion: 0,
        packages: record(),
        createdBy: userContext(ctx.accountId),
      };
      ctx.state.modelPackageGroups[name] = group;
      return { ModelPackageGroupArn: group.arn };
    },
  },
  DescribeModelPackageGroup: {
    mutates: false,
    input: { ModelPackageGroupName: required(str({ min: 1, max: 170, pattern: NAME_OR_ARN })) },
    handler: (input: { ModelPackageGroupName: string }, ctx: Ctx) => describeGroupInFull(findGroup(ctx.state, input.ModelPackageGroupName)),
  },
  ListModelPackageGroups: {
    mutates: false,
    input: { NameContains: str({ max: 63, pattern: /[a-zA-Z0-9\-]+/ }), CrossAccountFilterOption: str({ enum: ["SameAccount", "CrossAccount"] }), ...sortSpec },
    handler: (input: { NameContains?: string; SortBy?: string; SortOrder?: string; MaxResults?: number; NextToken?: string }, ctx: Ctx) => {
      const groups = sorted(
        Object.values(ctx.state.modelPackageGroups).filter((g) => !input.NameContains || g.name.includes(input.NameContains)),
        (g) => g.name,
        input,
        (a, b) => a.name.localeCompare(b.name),
        "Ascending",
      );
      const { page: items, nextToken } = page(groups, input);
      return { ModelPackageGroupSummaryList: items.map(describeGroup), NextToken: nextToken };
    },
  },
  DeleteModelPackageGroup: {
    mutates: true,
    input: { ModelPackageGroupName: required(str({ min: 1, max: 170, pattern: NAME_OR_ARN })) },
    handler: (input: { ModelPackageGroupName: string }, ctx: Ctx) => {
      const group = findGroup(ctx.state, input.ModelPackageGroupName);
      if (Object.keys(group.packages).length > 0) throw new ServiceError("ConflictException", `Model Package Group ${group.name} still has model packages; delete them first.`);
      delete ctx.state.modelPackageGroups[group.name];
      return {};
    },
  },
  CreateModelPackage: {
    mutates: true,
    input: {
      ModelPackageName: str({ min: 1, max: 63, pattern: NAME_PATTERN }),
      ModelPackageGroupName: str({ min: 1, max: 170, pattern: NAME_OR_ARN }),
      ModelPackageDescription: str({ max: 1024, pattern: DESCRIPTION }),
      InferenceSpecification: inferenceSpecification,
      ModelApprovalStatus: str({ enum: APPROVAL }),
      MetadataProperties: struct({ CommitId: str({ max: 1024 }), Repository: str({ max: 1024 }), GeneratedBy: str({ max: 1024 }), ProjectId: str({ max: 1024 }) }),
      ModelMetrics: struct({ ModelQuality: statisticsAndConstraints, ModelDataQuality: statisticsAndConstraints, Bias: struct({ Report: metricsSource }), Explainability: struct({ Report: metricsSource }) }),
      ClientToken: str({ min: 1, max: 36, pattern: /[a-zA-Z0-9-]+/ }),
      CustomerMetadataProperties: customerMetadata,
      Tags: tagList,
      ModelPackageRegistrationType: str({ enum: ["Logged", "Registered"] }),
      SamplePayloadUrl: str({ max: 1024, pattern: /(https|s3):\/\/([^/]+)\/?(.*)/ }),
      SkipModelValidation: str({ enum: ["All", "None"] }),
      SourceUri: str({ max: 1024, pattern: /[\p{L}\p{M}\p{Z}\p{N}\p{P}]{0,1024}/u }),
    },
    handler: (
      input: {
        ModelPackageName?: string;
        ModelPackageGroupName?: string;
        ModelPackageDescription?: string;
        InferenceSpecification?: unknown;
        ModelApprovalStatus?: Approval;
        MetadataProperties?: unknown;
        ModelMetrics?: unknown;
        ClientToken?: string;
        CustomerMetadataProperties?: Record<string, string>;
      },
      ctx: Ctx,
    ) => {
      if (!input.ModelPackageGroupName) throw errors.validation("The sandbox supports versioned model packages only: ModelPackageGroupName is required.");
      if (input.ModelPackageName) throw errors.validation("ModelPackageName cannot be given for a versioned model package (one with ModelPackageGroupName).");
      if (!input.InferenceSpecification) throw errors.validation("InferenceSpecification is required to register a model package.");
      const group = findGroup(ctx.state, input.ModelPackageGroupName);
      // The SDK sends a ClientToken with every create and the same one on retries: answer a repeat once.
      const repeat = input.ClientToken ? Object.values(group.packages).find((p) => p.clientToken === input.ClientToken) : undefined;
      if (repeat) return { ModelPackageArn: repeat.arn };
      const version = group.lastVersion + 1;
      group.lastVersion = version;
      const now = ctx.clock.now();
      const pkg: ModelPackage = {
        group: group.name,
        version,
        arn: `${group.arn.replace(":model-package-group/", ":model-package/")}/${version}`,
        description: input.ModelPackageDescription,
        created: now,
        modified: now,
        approval: input.ModelApprovalStatus ?? "PendingManualApproval",
        inferenceSpecification: input.InferenceSpecification,
        modelMetrics: input.ModelMetrics,
        metadataProperties: input.MetadataProperties,
        customerMetadata: input.CustomerMetadataProperties,
        clientToken: input.ClientToken,
        createdBy: userContext(ctx.accountId),
      };
      group.packages[String(version)] = pkg;
      publishStateChange(ctx, pkg);
      return { ModelPackageArn: pkg.arn };
    },
  },
  DescribeModelPackage: {
    mutates: false,
    input: { ModelPackageName: required(str({ min: 1, max: 176, pattern: VERSIONED_NAME_OR_ARN })) },
    handler: (input: { ModelPackageName: string }, ctx: Ctx) => describePackage(findPackage(ctx.state, input.ModelPackageName)),
  },
  ListModelPackages: {
    mutates: false,
    input: {
      ModelPackageGroupName: str({ min: 1, max: 170, pattern: NAME_OR_ARN }),
      ModelApprovalStatus: str({ enum: APPROVAL }),
      ModelPackageType: str({ enum: ["Versioned", "Unversioned", "Both"] }),
      NameContains: str({ max: 63, pattern: /[a-zA-Z0-9\-]+/ }),
      ...sortSpec,
    },
    handler: (
      input: { ModelPackageGroupName?: string; ModelApprovalStatus?: Approval; ModelPackageType?: string; NameContains?: string; SortBy?: string; SortOrder?: string; MaxResults?: number; NextToken?: string; CreationTimeAfter?: number; CreationTimeBefore?: number },
      ctx: Ctx,
    ) => {
      const groups = input.ModelPackageGroupName ? [findGroup(ctx.state, input.ModelPackageGroupName)] : Object.values(ctx.state.modelPackageGroups);
      // Without a group, SageMaker lists unversioned packages unless told otherwise; the sandbox has none.
      const type = input.ModelPackageType ?? (input.ModelPackageGroupName ? "Both" : "Unversioned");
      const after = input.CreationTimeAfter === undefined ? -Infinity : input.CreationTimeAfter * 1000;
      const before = input.CreationTimeBefore === undefined ? Infinity : input.CreationTimeBefore * 1000;
      const packages = type === "Unversioned" ? [] : groups.flatMap((g) => Object.values(g.packages));
      const matching = sorted(
        packages.filter(
          (p) =>
            (!input.ModelApprovalStatus || p.approval === input.ModelApprovalStatus) &&
            (!input.NameContains || p.group.includes(input.NameContains)) &&
            p.created > after &&
            p.created < before,
        ),
        (p) => p.group,
        input,
        (a, b) => a.group.localeCompare(b.group) || a.version - b.version,
        "Ascending",
      );
      const { page: items, nextToken } = page(matching, input);
      return { ModelPackageSummaryList: items.map(summarize), NextToken: nextToken };
    },
  },
  UpdateModelPackage: {
    mutates: true,
    input: {
      ModelPackageArn: required(str({ min: 1, max: 2048, pattern: PACKAGE_ARN })),
      ModelApprovalStatus: str({ enum: APPROVAL }),
      ApprovalDescription: str({ max: 1024 }),
      CustomerMetadataProperties: customerMetadata,
      CustomerMetadataPropertiesToRemove: list(str({ min: 1, max: 128, pattern: METADATA_CHARS })),
      InferenceSpecification: inferenceSpecification,
      ClientToken: str({ min: 1, max: 36, pattern: /[a-zA-Z0-9-]+/ }),
    },
    handler: (
      input: {
        ModelPackageArn: string;
        ModelApprovalStatus?: Approval;
        ApprovalDescription?: string;
        CustomerMetadataProperties?: Record<string, string>;
        CustomerMetadataPropertiesToRemove?: string[];
        InferenceSpecification?: unknown;
      },
      ctx: Ctx,
    ) => {
      const pkg = findPackage(ctx.state, input.ModelPackageArn);
      // Only what the request names changes; everything else is kept.
      const metadata = { ...pkg.customerMetadata, ...input.CustomerMetadataProperties };
      for (const key of input.CustomerMetadataPropertiesToRemove ?? []) delete metadata[key];
      if (Object.keys(metadata).length > 50) throw errors.validation("CustomerMetadataProperties can have at most 50 entries.");
      if (input.ModelApprovalStatus) pkg.approval = input.ModelApprovalStatus;
      if (input.ApprovalDescription !== undefined) pkg.approvalDescription = input.ApprovalDescription;
      if (input.InferenceSpecification) pkg.inferenceSpecification = input.InferenceSpecification;
      pkg.customerMetadata = Object.keys(metadata).length > 0 ? metadata : undefined;
      pkg.modified = ctx.clock.now();
      publishStateChange(ctx, pkg);
      return { ModelPackageArn: pkg.arn };
    },
  },
  DeleteModelPackage: {
    mutates: true,
    input: { ModelPackageName: required(str({ min: 1, max: 176, pattern: VERSIONED_NAME_OR_ARN })) },
    handler: (input: { ModelPackageName: string }, ctx: Ctx) => {
      const pkg = findPackage(ctx.state, input.ModelPackageName);
      delete findGroup(ctx.state, pkg.group).packages[String(pkg.version)];
      publishStateChange(ctx, pkg, "Deleting");
      return {};
    },
  },
};

