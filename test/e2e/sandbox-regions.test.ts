import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/exit-codes";
import { cleanEnv, runCli, spawnCli } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";
import { parseJson } from "../helpers/schemas";

/** The sandbox keeps resources per region, so a region mistake is caught locally as on AWS. */
const sandbox = useSandbox({ trafficRps: 0 });

describe("regions through the CLI", () => {
  it("status --region eu-west-1 does not find an endpoint made in the sandbox's default region", async () => {
    const sm = new SageMakerClient(sdkConfig(sandbox.current));
    await sm.send(new CreateModelCommand({ ModelName: "churn", PrimaryContainer: { Image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1" } }));
    await sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: "churn", ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "churn", InstanceType: "ml.m5.large", InitialInstanceCount: 1 }] }));
    await sm.send(new CreateEndpointCommand({ EndpointName: "churn", EndpointConfigName: "churn" }));
    const env = cleanEnv(sandbox.current.env());

    const here = await runCli(["status", "--endpoint", "churn", "--json"], { env });
    expect(here.code, here.stderr).toBe(0);
    expect(parseJson("status", here.stdout)).toMatchObject({ endpoint: "churn" });

    const elsewhere = await runCli(["status", "--endpoint", "churn", "--region", "eu-west-1", "--json"], { env });
    expect(elsewhere.code, elsewhere.stderr).toBe(NOT_FOUND_EXIT);
    expect(parseJson("error", elsewhere.stdout)).toEqual({
      error: { name: "failed", exitCode: NOT_FOUND_EXIT, message: "there is no endpoint named churn", hint: "check the name and region (`mlops doctor` shows the region)" },
    });
    const logged = sandbox.current.requestLog.entries({ operation: "DescribeEndpoint" });
    expect(logged.map((e) => [e.region, e.status])).toEqual([
      ["us-east-1", 200],
      ["eu-west-1", 400],
    ]);
  });
});

describe("a sandbox that cannot be hung", () => {
  it("refuses a runaway clock with a 400, keeps answering, and stops on SIGTERM", async () => {
    const run = spawnCli(["sandbox", "start", "--port", "0", "--quiet", "--json"]);
    try {
      await run.waitFor("stderr", /listening on/);
      const { url } = parseJson("sandbox-start", run.output.stdout) as { url: string };
      const control = { "x-mlops-control": "1" };
      for (const body of [{ scale: 1e308 }, { advanceMs: 1e300 }]) {
        const answer = await fetch(`${url}/_mlops/clock`, { method: "PUT", body: JSON.stringify(body), headers: control });
        expect(answer.status).toBe(400);
      }
      expect((await fetch(`${url}/_mlops/health`)).status).toBe(200);
    } finally {
      run.child.kill("SIGTERM");
    }
    const started = performance.now();
    expect((await run.exited).code).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** What `status --endpoint` exits with for an endpoint that does not exist: mlops's "failed" (it has no not-found code of its own). */
const NOT_FOUND_EXIT = ExitCode.Failed;
