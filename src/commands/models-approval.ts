import type { ModelApprovalStatus } from "@aws-sdk/client-sagemaker";
import { listModelPackagePages, resolveModelRef, setApproval } from "../aws/registry";
import type { Context } from "../context";
import { checkText } from "../core/aws-names";
import { validator } from "../io/prompt";
import { parseModelRef } from "../core/model-ref";
import { approvalWord } from "../core/registry";
import { MissingInputError, UsageError } from "../errors";
import type { CommandModule } from "../run-command";
import type { ApprovalResult } from "../schemas/registry";

interface ApprovalOptions {
  reason?: string;
}

/**
 * Approve or reject one version. Idempotent: asking for the status a version already has changes
 * nothing. Only the approval changes; UpdateModelPackage keeps every other property.
 */
async function decide(target: ModelApprovalStatus, options: ApprovalOptions, ctx: Context, ref: string): Promise<void> {
  const parsed = parseModelRef(ref);
  let reason = options.reason;
  if (reason !== undefined) checkReason(reason);
  // Where nobody can be asked, a rejection needs its reason as a flag, said before any AWS call.
  if (target === "Rejected" && reason === undefined && !ctx.prompt.interactive) throw new MissingInputError("--reason");

  // The version first: nobody is asked why they reject a version that does not exist, or one
  // that is rejected already (nothing would change, so no reason is recorded).
  const pkg = await resolveModelRef(ctx.aws, parsed);
  const previous = pkg.ModelApprovalStatus ?? "";
  const changed = previous !== target;
  if (target === "Rejected" && reason === undefined && changed) {
    reason = await ctx.prompt.text({
      flag: "--reason",
      message: `Why is ${pkg.ModelPackageGroupName}/${pkg.ModelPackageVersion} rejected?`,
      required: "a reason is needed: it is recorded with the rejection",
      validate: validator((v) => checkReason(v)),
    });
  }
  if (changed) await setApproval(ctx.aws, pkg.ModelPackageArn!, target, reason);

  // What GROUP@latest-approved names now: after a rejection, the version a rollback goes to; after
  // an approval, this version, or a newer one that stays ahead of it.
  const group = pkg.ModelPackageGroupName!;
  let latestApproved: string | null = null;
  let lookedUp = false;
  try {
    latestApproved = await newestApproved(ctx, group);
    lookedUp = true;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    // A failed look-up is not "no approved version", and must not be shown as one.
    ctx.io.warn(`the ${target === "Approved" ? "approval" : "rejection"} ${changed ? "was recorded" : "stands"}, but the latest approved version could not be looked up: ${(error as Error).message}`);
  }

  const result: ApprovalResult = {
    modelPackageArn: pkg.ModelPackageArn!,
    group,
    version: pkg.ModelPackageVersion!,
    approvalStatus: target,
    previousApprovalStatus: previous,
    changed,
    latestApproved,
  };
  ctx.io.emit(result, (r) => {
    const name = `${r.group}/${r.version}`;
    const line = r.changed ? `${name}: ${approvalWord(r.previousApprovalStatus)} → ${approvalWord(r.approvalStatus)}` : `${name} is already ${approvalWord(r.approvalStatus)}; nothing changed`;
    const after = lookedUp && r.changed ? `\n${r.group}@latest-approved is now ${r.latestApproved ?? "none: no version is approved"}` : "";
    return line + after;
  });
}

/** GROUP/VERSION of the group's newest approved version (the one GROUP@latest-approved names), or null. */
async function newestApproved(ctx: Context, group: string): Promise<string | null> {
  // A filtered listing may return an empty page before a full one: read on until a version shows.
  for await (const page of listModelPackagePages(ctx.aws, { group, status: "Approved", pageSize: 1 })) {
    if (page[0]) return `${group}/${page[0].ModelPackageVersion}`;
  }
  return null;
}

export const approve: CommandModule<ApprovalOptions>["run"] = (options, ctx, args) => decide("Approved", options, ctx, args[0]!);
export const reject: CommandModule<ApprovalOptions>["run"] = (options, ctx, args) => decide("Rejected", options, ctx, args[0]!);

/** --reason, from the flag or the prompt: not blank, at most 1024 characters, no control characters. */
function checkReason(reason: string): void {
  if (reason.trim() === "") throw new UsageError("--reason must not be empty");
  checkText("--reason", reason, 1024);
}
