import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEndpointCommand, ListEndpointConfigsCommand, ListTagsCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { beforeEach, expect } from "vitest";
import type { SandboxOptions } from "../../src/sandbox/index";
import { parseJson } from "./schemas";
import { cleanEnv, runCli, spawnCli } from "./cli";
import { sdkConfig, useSandbox } from "./sandbox";

export const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
export const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";
export const MODEL = "s3://models/churn/model.tar.gz";
/** A version that fails half its requests in production: its alarms fire. */
export const BAD = ["--env", "MLOPS_SANDBOX_ERROR_RATE=0.5"];

/**
 * A sandbox for rollout tests, with the model artifact uploaded before each test, and the built
 * CLI run against it as a user would (CI=true, polls of 5 sandbox seconds, the sandbox's clock).
 */
export function useRolloutSandbox(options: SandboxOptions = {}) {
  const sandbox = useSandbox({ timeScale: 500, endpointTiming: { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 }, ...options });
  beforeEach(async () => {
    const s3 = new S3Client(sdkConfig(sandbox.current, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    await s3.send(new PutObjectCommand({ Bucket: "models", Key: "churn/model.tar.gz", Body: "weights" }));
  });
  const sm = () => new SageMakerClient(sdkConfig(sandbox.current));
  const cw = () => new CloudWatchClient(sdkConfig(sandbox.current));
  const env = (extra: Record<string, string> = {}) => cleanEnv({ ...sandbox.current.env(), MLOPS_POLL_SECONDS: "5", ...extra });
  const mlops = (args: string[], timeoutMs = 60_000, extraEnv: Record<string, string> = {}) => runCli(args, { env: env(extraEnv), timeoutMs });
  const source = (endpoint = "churn") => ["--endpoint", endpoint, "--image", IMAGE, "--model-data", MODEL];
  const deploy = (args: string[], endpoint = "churn") => mlops(["deploy", ...source(endpoint), ...args]);
  const spawnDeploy = (args: string[], endpoint = "churn", extraEnv: Record<string, string> = {}) => spawnCli(["deploy", ...source(endpoint), ...args], { env: env(extraEnv) });
  const endpoint = (name = "churn") => sm().send(new DescribeEndpointCommand({ EndpointName: name }));
  const tagsOf = async (arn: string) => Object.fromEntries(((await sm().send(new ListTagsCommand({ ResourceArn: arn }))).Tags ?? []).map((t) => [t.Key!, t.Value!]));
  const configNames = async () => ((await sm().send(new ListEndpointConfigsCommand({ MaxResults: 100 }))).EndpointConfigs ?? []).map((c) => c.EndpointConfigName!).sort();
  const alarmNames = async (prefix = "mlops-") => ((await cw().send(new DescribeAlarmsCommand(prefix ? { AlarmNamePrefix: prefix } : {}))).MetricAlarms ?? []).map((a) => a.AlarmName!);

  /** An endpoint in service with version 1; returns its config. */
  async function serving(args: string[] = [], name = "churn"): Promise<string> {
    const r = await deploy(["--role-arn", ROLE, "--json", ...args], name);
    expect(r.code, r.stderr).toBe(0);
    return parseJson("deploy", r.stdout).endpointConfig as string;
  }

  /** Wait (bounded) until the endpoint is InService on `config`. */
  async function settlesOn(config: string, name = "churn"): Promise<void> {
    let live = await endpoint(name);
    for (let i = 0; i < 300 && !(live.EndpointStatus === "InService" && live.EndpointConfigName === config); i++) {
      await new Promise((r) => setTimeout(r, 20));
      live = await endpoint(name);
    }
    expect({ status: live.EndpointStatus, config: live.EndpointConfigName }).toEqual({ status: "InService", config });
  }

  return { sandbox, sm, cw, env, mlops, deploy, spawnDeploy, endpoint, tagsOf, configNames, alarmNames, serving, settlesOn };
}
