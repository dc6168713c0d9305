import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageCommand,
  DeleteModelPackageGroupCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  SageMakerServiceException,
  UpdateModelPackageCommand,
  type CreateModelPackageCommandInput,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();
const client = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));

const spec = { Containers: [{ Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1", ModelDataUrl: "s3://models/churn/model.tar.gz" }] };

async function register(sm: SageMakerClient, extra: Partial<CreateModelPackageCommandInput> = {}) {
  return sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: spec, ...extra }));
}

describe("model packages in the sandbox", () => {
  it("numbers versions per group and describes them in full", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const first = await register(sm, { CustomerMetadataProperties: { team: "fraud" }, ModelPackageDescription: "v1" });
    const second = await register(sm, { ModelApprovalStatus: "Approved" });
    expect(first.ModelPackageArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1");
    expect(second.ModelPackageArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/2");
    const described = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: first.ModelPackageArn }));
    expect(described).toMatchObject({
      ModelPackageGroupName: "churn",
      ModelPackageVersion: 1,
      ModelApprovalStatus: "PendingManualApproval",
      ModelPackageStatus: "Completed",
      ModelPackageDescription: "v1",
      CustomerMetadataProperties: { team: "fraud" },
      InferenceSpecification: spec,
    });
    expect(described.CreationTime).toBeInstanceOf(Date);
  });

  it("answers a retried create (same ClientToken) once, without a second version", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const a = await register(sm, { ClientToken: "retry-1" });
    const b = await register(sm, { ClientToken: "retry-1" });
    expect(b.ModelPackageArn).toBe(a.ModelPackageArn);
    const list = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: "churn" }));
    expect(list.ModelPackageSummaryList).toHaveLength(1);
  });

  it("lists newest first with a status filter, small default pages and NextToken", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    for (let i = 1; i <= 25; i++) await register(sm, { ModelApprovalStatus: i % 5 === 0 ? "Approved" : "PendingManualApproval" });
    const first = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: "churn", SortBy: "CreationTime", SortOrder: "Descending" }));
    expect(first.ModelPackageSummaryList).toHaveLength(10);
    expect(first.ModelPackageSummaryList?.[0]?.ModelPackageVersion).toBe(25);
    const versions: number[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const out = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: "churn", SortBy: "CreationTime", SortOrder: "Descending", MaxResults: 7, NextToken: token }));
      versions.push(...out.ModelPackageSummaryList!.map((p) => p.ModelPackageVersion!));
      token = out.NextToken;
      if (!token) break;
    }
    expect(versions).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    // Without a group SageMaker lists unversioned packages by default: none here.
    expect((await sm.send(new ListModelPackagesCommand({}))).ModelPackageSummaryList).toEqual([]);
    expect((await sm.send(new ListModelPackagesCommand({ ModelPackageType: "Versioned", MaxResults: 100 }))).ModelPackageSummaryList).toHaveLength(25);
    // Without SortOrder, ListModelPackages sorts Ascending (its documented default).
    const approved = await sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: "churn", ModelApprovalStatus: "Approved", MaxResults: 100 }));
    expect(approved.ModelPackageSummaryList?.map((p) => p.ModelPackageVersion)).toEqual([5, 10, 15, 20, 25]);
    await expect(sm.send(new ListModelPackagesCommand({ ModelPackageGroupName: "churn", MaxResults: 101 }))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"),
    });
  });

  it("UpdateModelPackage changes what it is told and keeps the rest", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await register(sm, { CustomerMetadataProperties: { team: "fraud", "mlops:metric:accuracy": "0.93" }, ModelPackageDescription: "keep me" });
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn, ModelApprovalStatus: "Approved", ApprovalDescription: "looks good" }));
    const after = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: ModelPackageArn }));
    expect(after).toMatchObject({
      ModelApprovalStatus: "Approved",
      ApprovalDescription: "looks good",
      ModelPackageDescription: "keep me",
      CustomerMetadataProperties: { team: "fraud", "mlops:metric:accuracy": "0.93" },
      InferenceSpecification: spec,
    });
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn, CustomerMetadataPropertiesToRemove: ["team"], CustomerMetadataProperties: { owner: "ana" } }));
    const again = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: ModelPackageArn }));
    expect(again.CustomerMetadataProperties).toEqual({ "mlops:metric:accuracy": "0.93", owner: "ana" });
    expect(again.ModelApprovalStatus).toBe("Approved");
  });

  it("publishes a Model Package State Change event with the full detail on every change", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await register(sm);
    await sm.send(new UpdateModelPackageCommand({ ModelPackageArn, ModelApprovalStatus: "Approved" }));
    const events = sandbox.current.events.events({ detailType: "SageMaker Model Package State Change" });
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ source: "aws.sagemaker", account: "000000000000", region: "us-east-1", resources: [ModelPackageArn] });
    expect(events.map((e) => e.detail.ModelApprovalStatus)).toEqual(["PendingManualApproval", "Approved"]);
    expect(events[1]!.detail).toMatchObject({ ModelPackageGroupName: "churn", ModelPackageVersion: 1, ModelPackageArn, ModelPackageStatus: "Completed", InferenceSpecification: spec });
    expect(typeof events[1]!.detail.CreationTime).toBe("number");
  });

  it("validates like SageMaker: enums, metadata characters, containers, unknown groups", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const cases: Array<[Partial<CreateModelPackageCommandInput>, string]> = [
      [{ ModelApprovalStatus: "Maybe" as never }, "at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set"],
      [{ CustomerMetadataProperties: { "bad#key": "x" } }, "at 'customerMetadataProperties.bad#key.key' failed to satisfy constraint"],
      [{ InferenceSpecification: { Containers: [] } }, "at 'inferenceSpecification.containers' failed to satisfy constraint: Member must have length greater than or equal to 1"],
      [{ ModelPackageGroupName: "nope" }, "Model Package Group nope does not exist."],
      [{ ModelPackageDescription: "two\nlines" }, "at 'modelPackageDescription' failed to satisfy constraint: Member must satisfy regular expression pattern"],
      [{ InferenceSpecification: { ...spec, SupportedRealtimeInferenceInstanceTypes: ["ml.m5.huge" as never] } }, "at 'inferenceSpecification.supportedRealtimeInferenceInstanceTypes.1.member' failed to satisfy constraint: Member must satisfy enum value set"],
    ];
    for (const [input, message] of cases) {
      const error = await register(sm, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SageMakerServiceException);
      expect((error as Error).name).toBe("ValidationException");
      expect((error as Error).message).toContain(message);
    }
    expect(sandbox.current.events.events()).toHaveLength(0);
  });

  it("never reuses a version number after a delete, and keeps a group that still has versions", async () => {
    const sm = client();
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await register(sm);
    await expect(sm.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: "churn" }))).rejects.toMatchObject({ name: "ConflictException" });
    await sm.send(new DeleteModelPackageCommand({ ModelPackageName: ModelPackageArn }));
    expect((await register(sm)).ModelPackageArn).toMatch(/\/churn\/2$/);
  });
});
