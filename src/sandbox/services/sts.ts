import { queryErrorProfile } from "../errors";
import { callerIdentity } from "../identity";
import type { ServiceDefinition } from "../service";
import { required, str } from "../validate";

/** STS: who the caller is. The sandbox has one account (000000000000 unless configured). */
export const sts: ServiceDefinition<Record<string, never>> = {
  name: "sts",
  signingName: "sts",
  arnService: "iam",
  protocol: { kind: "query", xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", version: "2011-06-15" },
  errors: queryErrorProfile,
  initialState: () => ({}),
  operations: {
    GetCallerIdentity: {
      mutates: false,
      handler: (_input, ctx) => callerIdentity(ctx.accountId),
    },
    GetAccessKeyInfo: {
      mutates: false,
      input: { AccessKeyId: required(str({ min: 16, max: 128, pattern: /[\w]*/ })) },
      handler: (_input, ctx) => ({ Account: ctx.accountId }),
    },
  },
};
