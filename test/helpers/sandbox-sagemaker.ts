import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  type ProductionVariant,
  type ProductionVariantInstanceType,
} from "@aws-sdk/client-sagemaker";
import type { Sandbox } from "../../src/sandbox/index";
import { sampleAlarm, sdkConfig } from "./sandbox";

/** Sandbox timing (seconds) the SageMaker tests read their expected times from. */
export const TIMING = { launch: 60, activate: 10, weights: 10, rollback: 20, delete: 10 } as const;

/**
 * Sandbox options for tests that drive time themselves: no synthetic traffic, sandbox time all but
 * frozen between `advance` calls (1 real second = 1 sandbox microsecond), and no background tick
 * (alarm evaluation, settling) between a test's steps: every state read settles on demand.
 */
export const FROZEN = { trafficRps: 0, timeScale: 1e-6, tickSeconds: 3600, endpointTiming: TIMING } as const;

export const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1";
export const ROLE = "arn:aws:iam::000000000000:role/sagemaker-execution";
export const ARN = "arn:aws:sagemaker:us-east-1:000000000000";

/** SageMaker and CloudWatch clients and fixtures bound to one test file's sandbox. */
export function sagemakerFixtures(sandbox: { current: Sandbox }) {
  const sm = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
  const cw = () => new CloudWatchClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
  /** Jump sandbox time forward by `seconds`. */
  const advance = (seconds: number) => sandbox.current.clock.advance(seconds * 1000);
  const model = (name: string, env: Record<string, string> = {}) =>
    sm().send(new CreateModelCommand({ ModelName: name, ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE, ModelDataUrl: "s3://m/model.tar.gz", Environment: env } }));
  /** An endpoint config of one instance-based variant `AllTraffic` (ml.m5.large × `count`) unless `variants` say otherwise. */
  const config = (name: string, variants: Array<Partial<ProductionVariant>> = [{}], extra: Record<string, unknown> = {}, count = 4) =>
    sm().send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: variants.map((v) => ({
          VariantName: "AllTraffic",
          ModelName: "m1",
          ...(v.ServerlessConfig ? {} : { InstanceType: "ml.m5.large" as ProductionVariantInstanceType, InitialInstanceCount: count }),
          ...v,
        })),
        ...extra,
      }),
    );
  const describe = (name = "churn") => sm().send(new DescribeEndpointCommand({ EndpointName: name }));
  /** Endpoint `name` in service on a config `c1` of model `m1` (made here), after the launch time. */
  const serving = async (variants: Array<Partial<ProductionVariant>> = [{}], extra: Record<string, unknown> = {}, count = 4, name = "churn") => {
    await model("m1");
    await config("c1", variants, extra, count);
    await sm().send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: "c1" }));
    advance(TIMING.launch);
  };
  /** A CloudWatch alarm named `name`, then forced into `state` (it holds: no tick evaluates it). */
  const alarm = async (name: string, state?: "OK" | "ALARM") => {
    await cw().send(new PutMetricAlarmCommand(sampleAlarm(name)));
    if (state) await setAlarm(name, state);
  };
  const setAlarm = (name: string, state: "OK" | "ALARM") => cw().send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: "test" }));
  return { sm, cw, advance, model, config, describe, serving, alarm, setAlarm };
}
