import { STSClient } from "@aws-sdk/client-sts";
import { knownProfiles, missingProfileHint } from "../aws/profiles";
import { getCallerIdentity, type CallerIdentity } from "../aws/sts";
import type { Context } from "../context";
import { doctorExitCode, doctorSummary, MINIMUM_NODE, renderChecks, type Check } from "../core/doctor";
import { versionAtLeast } from "../core/flags";
import { CredentialsError, MlopsError } from "../errors";
import { ExitCode } from "../exit-codes";
import type { DoctorReport } from "../schemas/misc";

/** Doctor must report a broken mlops.yaml, not refuse to start because of it. */
export const contextOptions = { tolerateConfigErrors: true };

export async function run(_options: unknown, ctx: Context): Promise<void> {
  const checks: Check[] = [];
  const node = process.versions.node;
  const nodeOk = versionAtLeast(node, MINIMUM_NODE);
  checks.push({
    name: "Node.js",
    ok: nodeOk,
    detail: `v${node} (needs ${MINIMUM_NODE} or newer)`,
    hint: nodeOk ? undefined : `install Node.js ${MINIMUM_NODE} or newer (https://nodejs.org)`,
  });

  checks.push(configCheck(ctx));
  checks.push(await profileCheck(ctx));

  const progress = ctx.io.progress("Resolving the AWS region");
  const region = await regionCheck(ctx);
  checks.push(region.check);

  const endpoint = ctx.aws.endpointFor("STS", ctx.env);
  const endpointSource = endpoint?.source === "settings" ? ctx.settings.endpointUrl?.source : endpoint?.source;

  let identity: CallerIdentity | undefined;
  if (region.value) {
    progress.update("Checking credentials (sts:GetCallerIdentity)");
    try {
      identity = await getCallerIdentity(ctx.aws);
      checks.push({ name: "credentials", ok: true, detail: `account ${identity.account} as ${identity.arn}` });
    } catch (error) {
      const known = error instanceof MlopsError ? error : undefined;
      checks.push({
        name: "credentials",
        ok: false,
        detail: known?.message ?? String(error),
        hint: known?.hint,
        credentials: error instanceof CredentialsError,
      });
    }
  } else {
    checks.push({ name: "credentials", ok: false, detail: "not checked: no region to call STS in", hint: "fix the region first" });
  }
  progress.stop();

  const unreachable = checks.some((c) => c.name === "credentials" && !c.ok && /cannot reach/.test(c.detail));
  checks.push({
    name: "endpoint",
    ok: !unreachable,
    detail: endpoint ? `${endpoint.url} (from ${endpointSource})` : "none: calls go to the real AWS endpoints",
    hint: unreachable ? "start the sandbox (`mlops sandbox start`) or fix --endpoint-url / AWS_ENDPOINT_URL" : undefined,
  });

  const report: DoctorReport = {
    ok: checks.every((c) => c.ok),
    checks,
    node: `v${node}`,
    configPath: ctx.config.path ?? null,
    region: region.value ?? null,
    regionSource: region.source ?? null,
    endpointUrl: endpoint?.url ?? null,
    endpointSource: endpointSource ?? null,
    account: identity?.account ?? null,
    arn: identity?.arn ?? null,
  };
  ctx.io.emit(report, (r, style) => renderChecks(r.checks, style));

  const code = doctorExitCode(checks);
  // One line that sums up: each failure and its fix are in the list above, shown once.
  if (code === ExitCode.Credentials) throw new CredentialsError(doctorSummary(checks));
  if (code !== ExitCode.Ok) throw new MlopsError(doctorSummary(checks));
}

function configCheck(ctx: Context): Check {
  if (ctx.configError) return { name: "config", ok: false, detail: ctx.configError.message, hint: ctx.configError.hint };
  const problem = ctx.settingProblems[0];
  if (problem) return { name: "config", ok: false, detail: problem.message, hint: "fix or unset the value named above" };
  return {
    name: "config",
    ok: true,
    detail: ctx.config.path ? `${ctx.config.path} is valid` : "no mlops.yaml found (built-in defaults apply)",
  };
}

/**
 * The named profile (--profile, MLOPS_PROFILE, AWS_PROFILE, mlops.yaml, else "default") must be
 * in the shared config or credentials file (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), read
 * as the SDK reads them. A missing default profile is fine: the SDK has other sources.
 */
async function profileCheck(ctx: Context): Promise<Check> {
  const named = ctx.settings.profile;
  const known = await knownProfiles();
  if (!named) return { name: "profile", ok: true, detail: known.includes("default") ? "default" : "none (credentials from the environment or the instance)" };
  const ok = known.includes(named.value);
  return {
    name: "profile",
    ok,
    detail: ok ? `${named.value} (from ${named.source})` : `${named.value} (from ${named.source}) is not in the AWS config or credentials file`,
    hint: ok ? undefined : missingProfileHint(named.value, known),
  };
}

async function regionCheck(ctx: Context): Promise<{ check: Check; value?: string; source?: string }> {
  const fromSettings = ctx.settings.region;
  if (fromSettings) {
    return { check: { name: "region", ok: true, detail: `${fromSettings.value} (from ${fromSettings.source})` }, ...fromSettings };
  }
  // Not set by us: the SDK may still find one in the AWS config file (profile `region`).
  try {
    const value = await ctx.aws.get(STSClient).config.region();
    const profile = ctx.settings.profile?.value ?? ctx.env.AWS_PROFILE ?? "default";
    const source = `AWS config file, profile ${profile}`;
    return { check: { name: "region", ok: true, detail: `${value} (from ${source})` }, value, source };
  } catch {
    return {
      check: { name: "region", ok: false, detail: "no region set", hint: "pass --region, set AWS_REGION, or add `region:` to mlops.yaml" },
    };
  }
}
