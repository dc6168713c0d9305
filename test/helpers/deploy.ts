import { expect } from "vitest";
import { BAD as FAILING, IMAGE, MODEL, ROLE, useRolloutSandbox } from "./rollout";
import { parseJson } from "./schemas";

export { IMAGE, MODEL, ROLE };
/** A version whose requests fail half the time, with the alarms that catch it. */
export const BAD = [...FAILING, "--auto-alarms"];
export const bakes = ["--bake", "300", "--final-bake", "120"];

/**
 * Deploys of endpoint "churn" on the rollout sandbox (test/helpers/rollout.ts: clock ×500, the
 * model artifact uploaded before each test), with `deploy(args, extraEnv)` and a `serving()` that
 * checks the endpoint was created.
 */
export function useDeployFixture() {
  const fixture = useRolloutSandbox();
  const deploy = (args: string[], extra: Record<string, string> = {}) =>
    fixture.mlops(["deploy", "--endpoint", "churn", "--image", IMAGE, "--model-data", MODEL, ...args], 60_000, extra);

  /** An endpoint in service with version 1; its endpoint config's name. */
  async function serving(args: string[] = []): Promise<string> {
    const r = await deploy(["--role-arn", ROLE, "--json", ...args]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson("deploy", r.stdout)).toMatchObject({ outcome: "created" });
    return parseJson("deploy", r.stdout).endpointConfig as string;
  }

  return { sandbox: fixture.sandbox, sm: fixture.sm, env: fixture.env, deploy, endpoint: () => fixture.endpoint(), serving };
}
