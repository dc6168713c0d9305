import { z } from "zod";

import { isHttpUrl, REGION_PATTERN } from "../core/aws-names";

const httpUrl = z.string().refine(isHttpUrl, { message: "must be an http:// or https:// URL" });

/**
 * mlops.yaml. Strict: an unknown key is almost always a typo, and a typo silently ignored
 * would deploy with defaults the user did not want.
 */
export const ConfigSchema = z
  .object({
    region: z.string().regex(REGION_PATTERN, { message: "must be an AWS region such as us-east-1" }).optional(),
    profile: z.string().min(1).optional(),
    endpointUrl: httpUrl.optional(),
  })
  .strict();

export type MlopsConfig = z.infer<typeof ConfigSchema>;
