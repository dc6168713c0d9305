import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, DescribeModelPackageCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { cleanEnv, runInTerminal } from "../helpers/cli";
import { startSandbox } from "../../src/sandbox/index";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const sandbox = useSandbox();
const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4";
/** A terminal session: no CI, a TTY on every stream. */
const terminalEnv = () => cleanEnv({ ...sandbox.current.env(), CI: undefined });

describe("prompts on a real terminal", () => {
  it("register asks for a missing group, re-asks after an invalid answer, then registers", async () => {
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
    const setupDone = sandbox.current.requestLog.lastSeq;
    const term = runInTerminal(["register", "--image", IMAGE, "--model-data", "s3://models/m.tar.gz"], { env: terminalEnv() });
    try {
      await term.waitFor(/Model package group/);
      term.type("bad_name\r");
      await term.waitFor(/must be letters, digits and inner hyphens/);
      term.type("\x7f".repeat(8) + "churn\r");
      await term.waitFor(/churn\/1\s+PendingManualApproval/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    expect(sandbox.current.requestLog.mutatingCalls({ since: setupDone }).map((e) => e.operation)).toEqual(["CreateModelPackageGroup", "CreateModelPackage"]);
  });

  it("reject asks for the reason when it is not given", async () => {
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    const { ModelPackageArn } = await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    const term = runInTerminal(["models", "reject", "churn/1"], { env: terminalEnv() });
    try {
      await term.waitFor(/Why is churn\/\d rejected\?/);
      term.type("fails the bias review\r");
      await term.waitFor(/churn\/1: pending → rejected/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    const pkg = await sm.send(new DescribeModelPackageCommand({ ModelPackageName: ModelPackageArn }));
    expect(pkg).toMatchObject({ ModelApprovalStatus: "Rejected", ApprovalDescription: "fails the bias review" });
  });

  it("reject looks the version up before asking why: a missing one is not asked about, a rejected one needs no reason", async () => {
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    await sm.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: "churn" }));
    await sm.send(new CreateModelPackageCommand({ ModelPackageGroupName: "churn", ModelApprovalStatus: "Rejected", InferenceSpecification: { Containers: [{ Image: IMAGE }] } }));
    const missing = runInTerminal(["models", "reject", "churn/9"], { env: terminalEnv() });
    try {
      expect(await missing.exited).toBe(1);
    } finally {
      missing.kill();
    }
    expect(missing.text()).not.toContain("rejected?");
    expect(missing.text()).toContain("churn/9");
    const again = runInTerminal(["models", "reject", "churn/1"], { env: terminalEnv() });
    try {
      expect(await again.exited).toBe(0);
    } finally {
      again.kill();
    }
    expect(again.text()).toContain("churn/1 is already rejected; nothing changed");
    expect(sandbox.current.requestLog.mutatingCalls().map((e) => e.operation)).toEqual(["CreateModelPackageGroup", "CreateModelPackage"]);
  });

  it("Ctrl-C at a prompt exits 130 and changes nothing", async () => {
    const term = runInTerminal(["register", "--image", IMAGE, "--model-data", "s3://models/m.tar.gz"], { env: terminalEnv() });
    try {
      await term.waitFor(/Model package group/);
      term.type("\x03");
      expect(await term.exited).toBe(130);
    } finally {
      term.kill();
    }
    expect(term.text()).toContain("cancelled at the prompt");
    expect(sandbox.current.requestLog.entries()).toEqual([]);
  });
});

describe("the live rollout view on a real terminal", () => {
  it("draws the phase, a bar of the traffic on the new version and each alarm, redrawn in place", async () => {
    const fast = await startSandbox({ port: 0, timeScale: 200, endpointTiming: { launch: 60 } });
    try {
      const s3 = new S3Client(sdkConfig(fast, { forcePathStyle: true }));
      await s3.send(new CreateBucketCommand({ Bucket: "models" }));
      await s3.send(new PutObjectCommand({ Bucket: "models", Key: "m.tar.gz", Body: "w" }));
      const env = cleanEnv({ ...fast.env(), CI: undefined, MLOPS_POLL_SECONDS: "5" });
      const args = ["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", "s3://models/m.tar.gz", "--role-arn", "arn:aws:iam::000000000000:role/r"];
      const create = runInTerminal(args, { env });
      expect(await create.exited).toBe(0);
      const term = runInTerminal([...args, "--env", "V=2", "--engine", "traffic", "--auto-alarms", "--bake", "120", "--final-bake", "60"], { env });
      try {
        await term.waitFor(/deployed churn/, 30_000);
        expect(await term.exited).toBe(0);
      } finally {
        term.kill();
      }
      const screen = term.text();
      expect(screen).toMatch(/█+░+ 10% new/);
      expect(screen).toMatch(/● OK mlops-churn-r\w+-5xx-rate/);
      expect(screen).toMatch(/churn {2}baking {2}\d+[ms]/);
      // Redrawn in place: the cursor moves up over the previous block and erases its lines.
      expect(/\u001b\[\d*A/.test(term.raw()) && term.raw().includes("\u001b[2K")).toBe(true);
    } finally {
      await fast.stop();
    }
  });
});
