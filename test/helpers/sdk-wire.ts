import * as CW from "@aws-sdk/client-cloudwatch";
import * as CP from "@aws-sdk/client-codepipeline";
import * as EB from "@aws-sdk/client-eventbridge";
import * as S3 from "@aws-sdk/client-s3";
import * as SM from "@aws-sdk/client-sagemaker";
import * as STS from "@aws-sdk/client-sts";
import { Readable } from "node:stream";
import type { Sandbox } from "../../src/sandbox/index";
import { sdkConfig } from "./sandbox";

/**
 * The AWS SDK for JavaScript v3, driven by operation name, keeping each raw HTTP answer so that
 * the wire form (not the SDK's parse of it, which drops unknown members) can be checked.
 */

export interface RawAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

const MODULES: Record<string, Record<string, any>> = { sts: STS, s3: S3, sagemaker: SM, cloudwatch: CW, events: EB, codepipeline: CP };
const CLIENTS: Record<string, string> = { sts: "STSClient", s3: "S3Client", sagemaker: "SageMakerClient", cloudwatch: "CloudWatchClient", events: "EventBridgeClient", codepipeline: "CodePipelineClient" };

export interface WireClient {
  /** Send `operation` with `input`; resolves to the raw answer whether the call succeeded or failed. */
  send(operation: string, input: Record<string, unknown>): Promise<{ raw: RawAnswer; error?: { code: string; status?: number; message: string } }>;
}

/** `{A: {B: [x]}, M: {k: v}}` → `A.B.member.1=x&M.entry.1.key=k&M.entry.1.value=v`, the query protocol's form. */
function queryParams(value: unknown, prefix: string, out: Record<string, string>, map?: readonly [string, string]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) value.forEach((v, i) => queryParams(v, `${prefix}.member.${i + 1}`, out));
  else if (typeof value === "object") {
    Object.entries(value as Record<string, unknown>).forEach(([k, v], i) => {
      if (map) {
        out[`${prefix}.entry.${i + 1}.${map[0]}`] = k;
        queryParams(v, `${prefix}.entry.${i + 1}.${map[1]}`, out);
      } else queryParams(v, prefix ? `${prefix}.${k}` : k, out, MAP_MEMBERS[k]);
    });
  } else out[prefix] = String(value);
}
/** Members of the SNS operations the sandbox serves that are maps in the model, with their entries' key and value names. */
const MAP_MEMBERS: Record<string, readonly [string, string]> = { Attributes: ["key", "value"], MessageAttributes: ["Name", "Value"] };

/**
 * SNS, which has no AWS SDK v3 client among the project's dependencies: the query protocol by
 * hand (form body, credential scope naming sns; the sandbox checks no signatures).
 */
function snsWireClient(sandbox: Sandbox): WireClient {
  return {
    async send(operation, input) {
      const params: Record<string, string> = { Action: operation, Version: "2010-03-31" };
      queryParams(input, "", params);
      const credential = `${sdkConfig(sandbox).credentials.accessKeyId}/20260101/${sandbox.region}/sns/aws4_request`;
      const res = await fetch(sandbox.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=0` },
        body: new URLSearchParams(params).toString(),
      });
      const body = Buffer.from(await res.arrayBuffer());
      const raw: RawAnswer = { status: res.status, headers: Object.fromEntries(res.headers), body };
      if (res.ok) return { raw };
      const text = body.toString("utf8").replace(/&(lt|gt|amp|apos|quot);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' })[e]!);
      return { raw, error: { code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? "Unknown", status: res.status, message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? "" } };
    },
  };
}

export function wireClient(sandbox: Sandbox, service: string): WireClient {
  if (service === "sns") return snsWireClient(sandbox);
  const module = MODULES[service]!;
  const client = new module[CLIENTS[service]!](sdkConfig(sandbox, { maxAttempts: 1, ...(service === "s3" ? { forcePathStyle: true } : {}) }));
  return {
    async send(operation, input) {
      const Command = module[`${operation}Command`];
      if (!Command) throw new Error(`the AWS SDK has no ${operation}Command for ${service}`);
      const command = new Command(input);
      let raw: RawAnswer | undefined;
      // On this command only (calls may run concurrently), inside the deserializer: the body is
      // read once here and handed on as a fresh stream.
      command.middlewareStack.add(
        (next: any) => async (args: any) => {
          const result = await next(args);
          const response = result.response;
          const chunks: Buffer[] = [];
          for await (const chunk of response.body ?? []) chunks.push(Buffer.from(chunk));
          const body = Buffer.concat(chunks);
          raw = { status: response.statusCode, headers: response.headers, body };
          response.body = Readable.from([body]);
          return result;
        },
        { step: "deserialize", priority: "low", name: "conformanceCapture" },
      );
      try {
        const output = await client.send(command);
        // A streamed body (GetObject) is consumed so that the connection is released.
        if (output?.Body?.transformToByteArray) await output.Body.transformToByteArray();
        return { raw: raw! };
      } catch (error) {
        const e = error as { Code?: string; name: string; message: string; $metadata?: { httpStatusCode?: number } };
        if (!raw) throw error;
        // Query-compatible services (CloudWatch) carry the query code in Code, as the AWS CLI shows it.
        return { raw, error: { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode, message: e.message } };
      }
    },
  };
}
