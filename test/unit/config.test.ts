import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findConfigFile, loadConfigFile } from "../../src/config/load";
import { resolveSettings } from "../../src/config/settings";
import { UsageError } from "../../src/errors";

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "mlops-config-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("mlops.yaml discovery and validation", () => {
  it("walks up from the working directory like git", async () => {
    const root = project({ "mlops.yaml": "region: eu-west-1\n", "src/models/x.txt": "" });
    expect(findConfigFile(join(root, "src/models"))).toBe(join(root, "mlops.yaml"));
    const loaded = await loadConfigFile({ cwd: join(root, "src/models") });
    expect(loaded).toEqual({ path: join(root, "mlops.yaml"), values: { region: "eu-west-1" } });
  });

  it("returns defaults when there is no file", async () => {
    const root = project({ "x.txt": "" });
    expect(await loadConfigFile({ cwd: root })).toEqual({ values: {} });
  });

  it.each([
    ["region: moon-1\n", /mlops\.yaml: region: must be an AWS region/],
    ["endpointUrl: ftp://x\n", /endpointUrl: must be an http/],
    ["regoin: us-east-1\n", /unknown key regoin/],
    ["region: [unclosed\n", /mlops\.yaml:\d+:\d+: invalid YAML/],
    ["profile: 7\n", /profile: must be a string$/],
    ["deploy:\n  bake: 1.5\n", /deploy\.bake: must be whole seconds \(such as 90\) or a duration such as 90s/],
    ["deploy:\n  finalBake: soon\n", /deploy\.finalBake: must be whole seconds/],
    ["deploy:\n  bake: 86401\n", /deploy\.bake: must be at most 86400$/],
    ["deploy:\n  canaryPercent: 0\n", /deploy\.canaryPercent: must be more than 0$/],
    ["deploy:\n  strategy: big\n", /deploy\.strategy: must be one of: all-at-once, canary, linear, blue-green, rolling$/],
    ["deploy:\n  alarms: [1]\n", /deploy\.alarms\.0: must be a string$/],
    ["endpoint:\n  instanceCount: 1.5\n", /endpoint\.instanceCount: must be a whole number$/],
  ])("rejects %j with the key path", async (text, message) => {
    const root = project({ "mlops.yaml": text });
    const error = await loadConfigFile({ cwd: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it("an explicit --config path must exist", async () => {
    const root = project({});
    await expect(loadConfigFile({ cwd: root, explicitPath: "nope.yaml" })).rejects.toThrow(/cannot read config file .*nope\.yaml: no such file/);
  });
});

describe("settings precedence: flag > MLOPS_* env > AWS env > mlops.yaml", () => {
  const file = { path: "/p/mlops.yaml", values: { region: "eu-west-1", profile: "file-profile", endpointUrl: "http://127.0.0.1:1" } };

  it("takes the flag first", () => {
    const { settings } = resolveSettings({ region: "us-west-2" }, { MLOPS_REGION: "ap-south-1", AWS_REGION: "eu-central-1" }, file);
    expect(settings.region).toEqual({ value: "us-west-2", source: "--region" });
  });

  it("then MLOPS_*, then AWS_*, then the file", () => {
    expect(resolveSettings({}, { MLOPS_REGION: "ap-south-1", AWS_REGION: "eu-central-1" }, file).settings.region?.source).toBe("MLOPS_REGION");
    expect(resolveSettings({}, { AWS_REGION: "eu-central-1", AWS_DEFAULT_REGION: "sa-east-1" }, file).settings.region?.source).toBe("AWS_REGION");
    expect(resolveSettings({}, { AWS_DEFAULT_REGION: "sa-east-1" }, file).settings.region?.source).toBe("AWS_DEFAULT_REGION");
    expect(resolveSettings({}, {}, file).settings).toEqual({
      region: { value: "eu-west-1", source: "mlops.yaml region" },
      profile: { value: "file-profile", source: "mlops.yaml profile" },
      endpointUrl: { value: "http://127.0.0.1:1", source: "mlops.yaml endpointUrl" },
    });
  });

  it("reports an invalid value with where it came from instead of using it", () => {
    const { settings, problems } = resolveSettings({ endpointUrl: "localhost:4599" }, { AWS_REGION: "nowhere" }, { values: {} });
    expect(settings).toEqual({});
    expect(problems.map((p) => p.message)).toEqual([
      'AWS_REGION: must be an AWS region such as us-east-1 (got "nowhere")',
      '--endpoint-url: must be an http:// or https:// URL (got "localhost:4599")',
    ]);
  });
});
