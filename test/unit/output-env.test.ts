import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envLine, mergeEnvFile, parseEnvFile } from "../../src/core/output-env";
import { checkOutputEnvTarget, writeOutputEnv } from "../../src/io/output-env";

const ARN = "arn:aws:sagemaker:us-east-1:000000000000:pipeline/churn/execution/abc123";

describe("--output-env lines", () => {
  it("quote each value so that a shell reads it literally", () => {
    expect(envLine("PIPELINE_EXECUTION_ARN", ARN)).toBe(`PIPELINE_EXECUTION_ARN='${ARN}'`);
    const text = mergeEnvFile("deploy", "", { ENDPOINT_NAME: "churn", ENDPOINT_CONFIG: "churn-$(id)`x` a", DEPLOY_OUTCOME: "deployed" });
    const dir = mkdtempSync(join(tmpdir(), "mlops-env-"));
    writeFileSync(join(dir, "out.env"), text);
    const echoed = execFileSync("sh", ["-c", `set -a; . ./out.env; printf '%s|%s|%s' "$ENDPOINT_NAME" "$ENDPOINT_CONFIG" "$DEPLOY_OUTCOME"`], { cwd: dir, encoding: "utf8" });
    expect(echoed).toBe("churn|churn-$(id)`x` a|deployed");
    expect(parseEnvFile(text)).toEqual({ ENDPOINT_NAME: "churn", ENDPOINT_CONFIG: "churn-$(id)`x` a", DEPLOY_OUTCOME: "deployed" });
  });

  it("refuse a value no quoting serves both shells and dotenv with", () => {
    expect(() => envLine("ENDPOINT_NAME", "a'b")).toThrow(/quote or a control character/);
    expect(() => envLine("ENDPOINT_NAME", "a\nb")).toThrow(/control character/);
  });

  it("write only the command's own keys: never a credential", () => {
    expect(() => mergeEnvFile("register", "", { AWS_SECRET_ACCESS_KEY: "x" } as never)).toThrow(/not one of the keys mlops register writes/);
    expect(() => mergeEnvFile("register", "", { ENDPOINT_NAME: "x" } as never)).toThrow(/not one of the keys/);
  });

  it("replace the command's keys and keep every other line (a file shared by register and deploy; a rerun)", () => {
    const first = mergeEnvFile("register", "OTHER=1\n", { MODEL_PACKAGE_ARN: "arn:1", MODEL_PACKAGE_VERSION: "1", APPROVAL_STATUS: "PendingManualApproval" });
    const second = mergeEnvFile("deploy", first, { ENDPOINT_NAME: "churn", ENDPOINT_CONFIG: "c1", DEPLOY_OUTCOME: "deployed" });
    const rerun = mergeEnvFile("register", second, { MODEL_PACKAGE_ARN: "arn:2", MODEL_PACKAGE_VERSION: "2", APPROVAL_STATUS: "Approved" });
    expect(rerun.split("\n").filter(Boolean)).toHaveLength(7);
    expect(parseEnvFile(rerun)).toEqual({ OTHER: "1", ENDPOINT_NAME: "churn", ENDPOINT_CONFIG: "c1", DEPLOY_OUTCOME: "deployed", MODEL_PACKAGE_ARN: "arn:2", MODEL_PACKAGE_VERSION: "2", APPROVAL_STATUS: "Approved" });
    // `export KEY=` lines are replaced too.
    expect(mergeEnvFile("deploy", "export ENDPOINT_NAME=old\n", { ENDPOINT_NAME: "new" })).toBe("ENDPOINT_NAME='new'\n");
  });

  it("leave out a key without a value (no RegisterModel step ran: no MODEL_PACKAGE_ARN)", () => {
    expect(mergeEnvFile("pipeline start", "", { PIPELINE_EXECUTION_ARN: ARN, PIPELINE_EXECUTION_STATUS: "Succeeded" })).toBe(`PIPELINE_EXECUTION_ARN='${ARN}'\nPIPELINE_EXECUTION_STATUS='Succeeded'\n`);
  });
});

describe("writeOutputEnv", () => {
  it("writes the file whole, relative to the working directory, and merges into an existing one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-env-"));
    writeFileSync(join(dir, "build.env"), "KEEP='me'\n");
    const path = await writeOutputEnv("pipeline start", "build.env", dir, { PIPELINE_EXECUTION_ARN: ARN, PIPELINE_EXECUTION_STATUS: "Succeeded" });
    expect(path).toBe(join(dir, "build.env"));
    expect(parseEnvFile(readFileSync(path, "utf8"))).toEqual({ KEEP: "me", PIPELINE_EXECUTION_ARN: ARN, PIPELINE_EXECUTION_STATUS: "Succeeded" });
  });

  it("a directory that does not exist is a usage error before anything runs", async () => {
    await expect(checkOutputEnvTarget("nowhere/out.env", mkdtempSync(join(tmpdir(), "mlops-env-")))).rejects.toThrow(/--output-env: cannot write in nowhere/);
    const dir = mkdtempSync(join(tmpdir(), "mlops-env-"));
    await expect(checkOutputEnvTarget(".", dir)).rejects.toThrow(/not a file/);
    await expect(checkOutputEnvTarget("new.env", dir)).resolves.toBeUndefined();
  });
});
