import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
  type CreateModelPackageCommandInput,
  type DescribeModelPackageCommandOutput,
  type ModelApprovalStatus,
  type ModelPackageSummary,
} from "@aws-sdk/client-sagemaker";
import { describeRef, packageArnFromGroupArn, type ModelRef } from "../core/model-ref";
import { MlopsError } from "../errors";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

/** The Model Registry, as mlops uses it. */

export type ModelPackage = Omit<DescribeModelPackageCommandOutput, "$metadata">;

/** SageMaker says "does not exist" with a ValidationException. */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === "ResourceNotFound" || (e.name === "ValidationException" && /does not exist|not found|could not find/i.test(e.message ?? ""));
}

function sagemaker(aws: AwsClients): SageMakerClient {
  return aws.get(SageMakerClient);
}

export async function findGroupArn(aws: AwsClients, group: string): Promise<string | undefined> {
  try {
    const out = await sagemaker(aws).send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }));
    return out.ModelPackageGroupArn;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return callAws("sagemaker:DescribeModelPackageGroup", () => Promise.reject(error));
  }
}

/** Create the group unless it exists; a concurrent creator winning the race is fine. */
export async function ensureGroup(aws: AwsClients, group: string): Promise<{ arn: string; created: boolean }> {
  const existing = await findGroupArn(aws, group);
  if (existing) return { arn: existing, created: false };
  try {
    const out = await sagemaker(aws).send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
    return { arn: out.ModelPackageGroupArn!, created: true };
  } catch (error) {
    if (/already exists/i.test((error as Error).message ?? "")) return { arn: (await findGroupArn(aws, group))!, created: false };
    return callAws("sagemaker:CreateModelPackageGroup", () => Promise.reject(error));
  }
}

export async function createModelPackage(aws: AwsClients, input: CreateModelPackageCommandInput): Promise<string> {
  const out = await callAws("sagemaker:CreateModelPackage", () => sagemaker(aws).send(new CreateModelPackageCommand(input)));
  return out.ModelPackageArn!;
}

export async function describeModelPackage(aws: AwsClients, arn: string): Promise<ModelPackage | undefined> {
  try {
    const { $metadata: _, ...pkg } = await sagemaker(aws).send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    return pkg;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    return callAws("sagemaker:DescribeModelPackage", () => Promise.reject(error));
  }
}

/** The error for a model package group that does not exist (exit 1), with the way to make one. */
export function groupNotFound(group: string): MlopsError {
  return new MlopsError(`model package group ${group} does not exist`, { hint: "register a first version with `mlops register --group …`" });
}

/** One page of a group's versions: at most the page size asked for, and the token of the next page if there may be one. */
export interface ModelPackagePage {
  items: ModelPackageSummary[];
  nextToken?: string;
}

/**
 * One page of a group's versions, newest first: SortBy CreationTime, SortOrder Descending, asked
 * for explicitly because SageMaker's default order is Ascending. `pageSize` is SageMaker's
 * MaxResults (1–100, default 100); `token` is the previous page's `nextToken`. A page may hold
 * fewer versions than asked for and still have a next one. Throws `groupNotFound` when SageMaker
 * says the group does not exist (it may instead answer an empty page), AwsError otherwise.
 */
export async function listModelPackagePage(
  aws: AwsClients,
  options: { group: string; status?: ModelApprovalStatus; pageSize?: number; token?: string },
): Promise<ModelPackagePage> {
  try {
    const out = await sagemaker(aws).send(
      new ListModelPackagesCommand({
        ModelPackageGroupName: options.group,
        ModelApprovalStatus: options.status,
        SortBy: "CreationTime",
        SortOrder: "Descending",
        MaxResults: options.pageSize ?? 100,
        NextToken: options.token,
      }),
    );
    return { items: out.ModelPackageSummaryList ?? [], nextToken: out.NextToken || undefined };
  } catch (error) {
    if (isNotFound(error)) throw groupNotFound(options.group);
    return callAws("sagemaker:ListModelPackages", () => Promise.reject(error));
  }
}

/**
 * Pages of a group's versions, newest first, fetched one page at a time so that a listing of
 * any length holds one page in memory. Errors as listModelPackagePage.
 */
export async function* listModelPackagePages(
  aws: AwsClients,
  options: { group: string; status?: ModelApprovalStatus; pageSize?: number },
): AsyncGenerator<ModelPackageSummary[]> {
  let token: string | undefined;
  // At most 100,000 pages (10 million versions): a service that never stops paging cannot loop us forever.
  for (let page = 0; page < 100_000; page++) {
    const out = await listModelPackagePage(aws, { ...options, token });
    yield out.items;
    token = out.nextToken;
    if (!token) return;
  }
}

export async function setApproval(aws: AwsClients, arn: string, status: ModelApprovalStatus, reason?: string): Promise<void> {
  await callAws("sagemaker:UpdateModelPackage", () =>
    sagemaker(aws).send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status, ApprovalDescription: reason })),
  );
}

/** Turn a REF (ARN, group/version, group@latest, group@latest-approved) into the version it names. */
export async function resolveModelRef(aws: AwsClients, ref: ModelRef): Promise<ModelPackage> {
  const name = describeRef(ref);
  let arn: string | undefined;
  if (ref.kind === "arn") arn = ref.arn;
  else {
    const groupArn = await findGroupArn(aws, ref.group);
    if (!groupArn) throw new MlopsError(`model package group ${ref.group} does not exist`, { hint: "check the name with `mlops models list --group …`" });
    if (ref.kind === "version") arn = packageArnFromGroupArn(groupArn, ref.version);
    else {
      const pages = listModelPackagePages(aws, { group: ref.group, status: ref.approvedOnly ? "Approved" : undefined, pageSize: 1 });
      const first = (await pages.next()).value as ModelPackageSummary[] | undefined;
      await pages.return(undefined);
      arn = first?.[0]?.ModelPackageArn;
      if (!arn) throw new MlopsError(`${ref.group} has no ${ref.approvedOnly ? "approved " : ""}version`, { hint: ref.approvedOnly ? `approve one with \`mlops models approve ${ref.group}/<version>\`` : undefined });
    }
  }
  const pkg = await describeModelPackage(aws, arn);
  if (!pkg) throw new MlopsError(`model version ${name} does not exist`, { hint: `list the versions with \`mlops models list --group ${ref.group}\`` });
  return pkg;
}
