import type { ModelApprovalStatus } from "@aws-sdk/client-sagemaker";
import { resolveModelRef, setApproval } from "../aws/registry";
import type { Context } from "../context";
import { checkText } from "../core/aws-names";
import { validator } from "../io/prompt";
import { parseModelRef } from "../core/model-ref";
import { approvalWord } from "../core/registry";
import { MlopsError, UsageError } from "../errors";
import type { CommandModule } from "../run-command";

interface ApprovalOptions {
  reason?: string;
}

interface ApprovalResult {
  modelPackageArn: string;
  group: string;
  version: number;
  approvalStatus: ModelApprovalStatus;
  previousApprovalStatus: string;
  changed: boolean;
  latestApproved: string | null;
}

/**
 * Approve or reject one version. Idempotent: asking for the status a version already has changes
 * nothing. Only the approval changes; UpdateModelPackage keeps every other property.
 */
async function decide(target: ModelApprovalStatus, options: ApprovalOptions, ctx: Context, ref: string): Promise<void> {
  const parsed = parseModelRef(ref);
  let reason = options.reason;
  if (target === "Rejected" && reason === undefined) {
    reason = await ctx.prompt.text({
      flag: "--reason",
      message: "Why is this version rejected?",
      required: "a reason is needed: it is recorded with the rejection",
      validate: validator((v) => checkReason(v)),
    });
  }
  if (reason !== undefined) checkReason(reason);

  const pkg = await resolveModelRef(ctx.aws, parsed);
  const previous = pkg.ModelApprovalStatus ?? "";
  const changed = previous !== target;
  if (changed) await setApproval(ctx.aws, pkg.ModelPackageArn!, target, reason);

  // Rejecting an approved version is how a rollback starts: say which version is approved now.
  let latestApproved: string | null = null;
  let lookedUp = false;
  if (changed && previous === "Approved" && target === "Rejected") {
    try {
      const latest = await resolveModelRef(ctx.aws, { kind: "latest", group: pkg.ModelPackageGroupName!, approvedOnly: true });
      latestApproved = `${latest.ModelPackageGroupName}/${latest.ModelPackageVersion}`;
      lookedUp = true;
    } catch (error) {
      // "No approved version" is an answer; any other failure is not, and must not be shown as one.
      if (error instanceof MlopsError && /has no approved version/.test(error.message)) lookedUp = true;
      else ctx.io.warn(`the rejection was recorded, but the latest approved version could not be looked up: ${(error as Error).message}`);
    }
  }

  const result: ApprovalResult = {
    modelPackageArn: pkg.ModelPackageArn!,
    group: pkg.ModelPackageGroupName!,
    version: pkg.ModelPackageVersion!,
    approvalStatus: target,
    previousApprovalStatus: previous,
    changed,
    latestApproved,
  };
  ctx.io.emit(result, (r) => {
    const name = `${r.group}/${r.version}`;
    const line = r.changed ? `${name}: ${approvalWord(r.previousApprovalStatus)} → ${approvalWord(r.approvalStatus)}` : `${name} is already ${approvalWord(r.approvalStatus)}; nothing changed`;
    const after = lookedUp ? `\n${r.group}@latest-approved is now ${r.latestApproved ?? "none: no version is approved"}` : "";
    return line + after;
  });
}

export const approve: CommandModule<ApprovalOptions>["run"] = (options, ctx, args) => decide("Approved", options, ctx, args[0]!);
export const reject: CommandModule<ApprovalOptions>["run"] = (options, ctx, args) => decide("Rejected", options, ctx, args[0]!);

/** --reason, from the flag or the prompt: not blank, at most 1024 characters, no control characters. */
function checkReason(reason: string): void {
  if (reason.trim() === "") throw new UsageError("--reason must not be empty");
  checkText("--reason", reason, 1024);
}
