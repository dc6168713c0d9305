import { execFileSync } from "node:child_process";
import type { ServiceDefinition } from "../../src/sandbox/service";
import { cloudwatch } from "../../src/sandbox/services/cloudwatch";
import { codepipeline } from "../../src/sandbox/services/codepipeline";
import { eventbridge } from "../../src/sandbox/services/eventbridge";
import { s3 } from "../../src/sandbox/services/s3";
import { createSageMaker } from "../../src/sandbox/services/sagemaker/index";
import { DEFAULT_TIMING } from "../../src/sandbox/services/sagemaker/endpoints";
import { sts } from "../../src/sandbox/services/sts";
import { createSns, SnsDeliveryLog } from "../../src/sandbox/services/sns";

/**
 * AWS's own API models, as botocore ships them (`botocore/data/<service>/<version>/service-2.json[.gz]`):
 * the authority for shapes, required members, enums, lengths, ranges and patterns.
 */

export interface ShapeRef {
  shape: string;
  location?: string;
  locationName?: string;
  flattened?: boolean;
  /** Set on members SDKs fill in with a fresh token when the caller leaves them out (ClientRequestToken). */
  idempotencyToken?: boolean;
}

export interface Shape {
  type: "structure" | "list" | "map" | "string" | "integer" | "long" | "float" | "double" | "boolean" | "timestamp" | "blob";
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  flattened?: boolean;
  locationName?: string;
  payload?: string;
  timestampFormat?: string;
  document?: boolean;
  exception?: boolean;
}

export interface ServiceModel {
  metadata: { protocol: string; protocols?: string[]; signingName?: string; endpointPrefix: string; awsQueryCompatible?: unknown };
  operations: Record<string, { name: string; http: { method: string; requestUri: string }; input?: ShapeRef; output?: ShapeRef; errors?: ShapeRef[] }>;
  shapes: Record<string, Shape>;
}

/** botocore's name for each sandbox service (CloudWatch's model is "cloudwatch"; it signs as "monitoring"). */
export const BOTOCORE_NAME: Record<string, string> = { sts: "sts", s3: "s3", sagemaker: "sagemaker", cloudwatch: "cloudwatch", events: "events", codepipeline: "codepipeline", sns: "sns" };

/** The sandbox's services as it serves them; SageMaker's dependencies are inert here (definitions only). */
export function sandboxServices(): ServiceDefinition[] {
  return [sts, s3, createSageMaker({ timing: DEFAULT_TIMING, alarms: () => () => ({ inAlarm: [], missing: [] }) }), cloudwatch, eventbridge, codepipeline, createSns(new SnsDeliveryLog())];
}

let cache: Record<string, ServiceModel> | undefined;

/** Prints `{service: {metadata, operations, shapes}}` for the operations named in argv[1] and every shape they reach. */
const MODEL_SCRIPT = `
import json, sys, botocore.session
session = botocore.session.get_session()
out = {}
for service, names in json.loads(sys.argv[1]).items():
    data = session.get_service_data(service)
    shapes, todo = {}, []
    operations = {n: data["operations"][n] for n in names if n in data["operations"]}
    for op in operations.values():
        todo += [ref["shape"] for ref in [op.get("input"), op.get("output")] if ref]
    while todo:
        name = todo.pop()
        if name in shapes:
            continue
        shape = shapes[name] = data["shapes"][name]
        refs = list(shape.get("members", {}).values()) + [shape[k] for k in ("member", "key", "value") if k in shape]
        todo += [ref["shape"] for ref in refs]
    out[service] = {"metadata": data["metadata"], "operations": operations, "shapes": shapes}
json.dump(out, sys.stdout)
`;

/**
 * The models of the sandbox's services, read by botocore itself in one python3 process (so
 * that gzip'd or plain, any botocore version's data layout works). Throws when python3 or
 * botocore is missing: CI has the AWS CLI's Python package.
 */
export function botocoreModels(): Record<string, ServiceModel> {
  if (cache) return cache;
  // Only the sandbox's operations and the shapes they reach: a few hundred KB instead of 4 MB.
  const wanted = Object.fromEntries(sandboxServices().map((s) => [BOTOCORE_NAME[s.name]!, Object.keys(s.operations)]));
  let out: string;
  try {
    out = execFileSync("python3", ["-c", MODEL_SCRIPT, JSON.stringify(wanted)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`the conformance tests need python3 with botocore (the AWS CLI's Python package: pip install awscli): ${(error as Error).message}`);
  }
  const byBotocoreName = JSON.parse(out) as Record<string, ServiceModel>;
  cache = Object.fromEntries(Object.entries(BOTOCORE_NAME).map(([ours, theirs]) => [ours, byBotocoreName[theirs]!]));
  return cache;
}

/** A model pattern as a JS RegExp (Java syntax is close; `\p{…}` needs the u flag), or undefined when JS cannot read it. */
export function modelRegExp(pattern: string): RegExp | undefined {
  for (const flags of ["u", ""]) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // try the next flags
    }
  }
  return undefined;
}

/** A pattern reduced to what it means for comparison: no outer anchors, no needless `\/` escapes. */
export function normalizePattern(pattern: string): string {
  return pattern.replace(/^\^/, "").replace(/\$$/, "").replace(/\\\//g, "/");
}
