import { describe, expect, it } from "vitest";
import { objectCreatedEvent } from "../helpers/events";
import { pipelineParameters, readJsonPath, targetInput } from "../../src/sandbox/event-delivery";

const EVENT = objectCreatedEvent();
const TARGET = { Id: "t", Arn: "arn:aws:sagemaker:us-east-1:000000000000:pipeline/train" };

describe("what EventBridge sends a target", () => {
  it("reads JSONPaths into the event", () => {
    expect(readJsonPath(EVENT, "$.detail.object.key")).toBe("data/x.csv");
    expect(readJsonPath(EVENT, "$.resources[0]")).toBe("arn:aws:s3:::raw-data");
    expect(readJsonPath(EVENT, "$")).toBe(EVENT);
    expect(readJsonPath(EVENT, "$.detail.missing.key")).toBeUndefined();
  });

  it("sends the event, Input, InputPath or an InputTransformer's template", () => {
    expect(targetInput(TARGET, EVENT)).toBe(EVENT);
    expect(targetInput({ ...TARGET, Input: '{"a":1}' }, EVENT)).toEqual({ a: 1 });
    expect(targetInput({ ...TARGET, InputPath: "$.detail.bucket" }, EVENT)).toEqual({ name: "raw-data" });
    const transformer = { InputPathsMap: { key: "$.detail.object.key", size: "$.detail.object.size" }, InputTemplate: '{"file": "<key>", "bytes": <size>}' };
    expect(targetInput({ ...TARGET, InputTransformer: transformer }, EVENT)).toEqual({ file: "data/x.csv", bytes: 42 });
    expect(targetInput({ ...TARGET, InputTransformer: { InputTemplate: "<aws.events.event.json>" } }, EVENT)).toEqual(EVENT);
  });

  it("resolves SageMaker pipeline parameters that are JSONPaths; others pass as they are", () => {
    const target = { ...TARGET, SageMakerPipelineParameters: { PipelineParameterList: [{ Name: "InputKey", Value: "$.detail.object.key" }, { Name: "Mode", Value: "full" }, { Name: "Size", Value: "$.detail.object.size" }] } };
    expect(pipelineParameters(target, EVENT)).toEqual([
      { Name: "InputKey", Value: "data/x.csv" },
      { Name: "Mode", Value: "full" },
      { Name: "Size", Value: "42" },
    ]);
  });
});
