import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsClients } from "./clients";
import { callAws } from "./errors";

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
  region: string;
}

export async function getCallerIdentity(aws: AwsClients): Promise<CallerIdentity> {
  const client = aws.get(STSClient);
  const out = await callAws("sts:GetCallerIdentity", () => client.send(new GetCallerIdentityCommand({})));
  const region = await callAws("sts:GetCallerIdentity", () => client.config.region());
  return { account: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "", region };
}
