import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEndpointCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { beforeEach, expect } from "vitest";
import { cleanEnv, runCli } from "./cli";
import { sdkConfig, useSandbox } from "./sandbox";
import { parseJson } from "./schemas";

export const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
export const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";
export const MODEL = "s3://models/churn/model.tar.gz";
/** A version whose requests fail half the time, with the alarms that catch it. */
export const BAD = ["--env", "MLOPS_SANDBOX_ERROR_RATE=0.5", "--auto-alarms"];
export const bakes = ["--bake", "300", "--final-bake", "120"];

/**
 * Deploys of endpoint "churn" against a sandbox whose clock runs 500 times faster: a 5-minute bake
 * takes 0.6 s. The CLI follows the sandbox's clock (MLOPS_SANDBOX_CLOCK), so bakes and polls
 * agree. Each test starts with the model artifact in s3://models/churn/model.tar.gz.
 */
export function useDeployFixture() {
  const sandbox = useSandbox({ timeScale: 500, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } });
  const sm = () => new SageMakerClient(sdkConfig(sandbox.current));
  const env = (extra: Record<string, string> = {}) => cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5", ...extra });
  const deploy = (args: string[], extra: Record<string, string> = {}) =>
    runCli(["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, ...args], { env: env(extra), timeoutMs: 60_000 });
  const endpoint = () => sm().send(new DescribeEndpointCommand({ EndpointName: "churn" }));

  beforeEach(async () => {
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "churn/model.tar.gz", Body: "weights" }));
  });

  /** An endpoint in service with version 1; its endpoint config's name. */
  async function serving(args: string[] = []): Promise<string> {
    const r = await deploy(["--role-arn", ROLE, "--json", ...args]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "created" });
    return parseJson("deploy", r.stdout).endpointConfig as string;
  }

  return { sandbox, sm, env, deploy, endpoint, serving };
}
