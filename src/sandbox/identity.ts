/**
 * Who calls the sandbox: one IAM user per account. STS GetCallerIdentity answers it, and
 * SageMaker records it as CreatedBy (UserContext.IamIdentity) on what the caller creates.
 */
export function callerIdentity(accountId: string): { UserId: string; Account: string; Arn: string } {
  return { UserId: "AIDASANDBOXUSER000001", Account: accountId, Arn: `arn:aws:iam::${accountId}:user/mlops-sandbox` };
}
