import type { SandboxEvent } from "../../src/sandbox/events";

/** S3's "Object Created" event for s3://raw-data/data/x.csv (42 bytes), with `detail` extended by `extra`. */
export function objectCreatedEvent(extra: Record<string, unknown> = {}): SandboxEvent {
  return {
    version: "0",
    id: "e1",
    "detail-type": "Object Created",
    source: "aws.s3",
    account: "000000000000",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: ["arn:aws:s3:::raw-data"],
    detail: { bucket: { name: "raw-data" }, object: { key: "data/x.csv", size: 42 }, ...extra },
  };
}
