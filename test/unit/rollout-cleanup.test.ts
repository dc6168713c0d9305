import { beforeEach, describe, expect, it } from "vitest";
import { removeConfigs, removeModel } from "../../src/rollout/cleanup";
import { checkTagBudget, removeRecordFields, saveRecord, saveRecordFields, writeNewRecord, writeWayBack } from "../../src/rollout/record";
import { encodeRollout, PREVIOUS_CONFIG_TAG, PREVIOUS_OF_TAG } from "../../src/core/rollout-state";
import { ownerTags } from "../../src/core/ownership";
import { UsageError } from "../../src/errors";
import { awsError, FakeClock, ScriptedAws, scriptResources, scriptedEnv, type ScriptedResources } from "../helpers/scripted-aws";
import { rolloutRecord } from "../helpers/rollout-record";

/**
 * Cleanup deletes only what mlops made for this endpoint (its owner tags say so), never what is
 * kept or still in use; the rollout record is written to the endpoint's tags through throttling.
 */

const ARN = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn";
const mine = ownerTags("churn", "r1");
let clock: FakeClock;
let aws: ScriptedAws;
let store: ScriptedResources;

beforeEach(() => {
  clock = new FakeClock();
  aws = new ScriptedAws(clock, {});
  store = scriptResources(aws, ARN, clock);
});

const config = (name: string, models: string[], tags: Record<string, string> = mine) => store.configs.set(name, { models, tags, created: clock.t });
const model = (name: string, tags: Record<string, string> = mine) => store.models.set(name, { tags });

describe("removeConfigs", () => {
  it("deletes an owned config and its model, unless a kept config still serves that model", () => {
    config("churn-new", ["m-new", "m-shared"]);
    config("churn-old", ["m-shared"]);
    model("m-new");
    model("m-shared");
    return removeConfigs(aws, "churn", ["churn-new"], ["churn-old"]).then((result) => {
      expect(result).toEqual({ deleted: ["endpoint config churn-new", "model m-new"], kept: [] });
      expect([...store.configs.keys()]).toEqual(["churn-old"]);
      expect([...store.models.keys()]).toEqual(["m-shared"]);
    });
  });

  it("keeps what another endpoint's rollout or another tool made, and says so", async () => {
    config("churn-team", ["m-team"], { team: "ml" });
    config("churn-other", ["m-x"], ownerTags("churn-2", "r9"));
    config("churn-new", ["m-unowned"]);
    model("m-unowned", {});
    const result = await removeConfigs(aws, "churn", ["churn-team", "churn-other", "churn-new"], []);
    expect(result).toEqual({
      deleted: ["endpoint config churn-new"],
      kept: ["endpoint config churn-team (not made by mlops for churn)", "endpoint config churn-other (not made by mlops for churn)"],
    });
    expect([...store.models.keys()]).toEqual(["m-unowned"]);
  });

  it("never touches a config that is kept, nor names that are empty; each config once", async () => {
    config("churn-new", ["m"]);
    model("m");
    const result = await removeConfigs(aws, "churn", ["churn-new", "churn-new", undefined, "churn-old"], ["churn-old", undefined]);
    expect(result).toEqual({ deleted: ["endpoint config churn-new", "model m"], kept: [] });
    expect(aws.callsOf("DeleteEndpointConfig").map((c) => c.input)).toEqual([{ EndpointConfigName: "churn-new" }]);
  });

  it("asks AWS nothing when everything to remove is kept", async () => {
    expect(await removeConfigs(aws, "churn", ["churn-old", undefined], ["churn-old"])).toEqual({ deleted: [], kept: [] });
    expect(aws.calls).toEqual([]);
  });

  it("a config already gone, or gone between its describe and its tags, counts as done by another command", async () => {
    config("churn-racing", ["m"]);
    model("m");
    aws.handlers.ListTags = () => {
      throw awsError("ValidationException", "Could not find resource");
    };
    expect(await removeConfigs(aws, "churn", ["churn-gone", "churn-racing"], [])).toEqual({ deleted: [], kept: [] });
    expect(aws.callsOf("DeleteEndpointConfig")).toEqual([]);
  });

  it("a config described without an ARN is left alone (its owner cannot be told)", async () => {
    aws.handlers.DescribeEndpointConfig = ({ EndpointConfigName }) => ({ EndpointConfigName, ProductionVariants: [{ ModelName: "m" }] });
    expect(await removeConfigs(aws, "churn", ["churn-new"], [])).toEqual({ deleted: [], kept: [] });
    expect(aws.callsOf("DeleteEndpointConfig")).toEqual([]);
  });

  it("variants without a model name add no model to delete or keep", async () => {
    aws.handlers.DescribeEndpointConfig = ({ EndpointConfigName }) => ({ EndpointConfigName, EndpointConfigArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/${EndpointConfigName}`, ProductionVariants: [{ VariantName: "serverless" }] });
    config("churn-new", []);
    config("churn-old", []);
    expect(await removeConfigs(aws, "churn", ["churn-new"], ["churn-old"])).toEqual({ deleted: ["endpoint config churn-new"], kept: [] });
    expect(aws.callsOf("DescribeModel")).toEqual([]);
  });
});

describe("removeModel", () => {
  it.each([
    ["owned: deleted", mine, "model m", false],
    ["not owned: kept", { team: "ml" }, undefined, true],
  ])("a model %s", async (_, tags, said, left) => {
    model("m", tags);
    expect(await removeModel(aws, "churn", "m")).toBe(said);
    expect(store.models.has("m")).toBe(left);
  });

  it("a model that does not exist: nothing to say", async () => {
    expect(await removeModel(aws, "churn", "m")).toBeUndefined();
    expect(aws.callsOf("DeleteModel")).toEqual([]);
  });
});

describe("the rollout record on the endpoint's tags", () => {
  const pace = () => scriptedEnv(aws, clock);

  it("a new record drops the old record's keys it has not, keeps the user's tags and the way back, then writes itself", async () => {
    const old = encodeRollout(rolloutRecord({ id: "r0", mixConfig: "churn-mix", driver: "d", alarms: ["a"] }));
    aws.tags = { ...old, team: "ml", [PREVIOUS_CONFIG_TAG]: "churn-older", [PREVIOUS_OF_TAG]: "churn-old" };
    const state = rolloutRecord({ id: "r1" });
    await writeNewRecord(aws, pace(), ARN, state);
    expect(aws.tags).toEqual({ ...encodeRollout(state), team: "ml", [PREVIOUS_CONFIG_TAG]: "churn-older", [PREVIOUS_OF_TAG]: "churn-old" });
    expect(aws.calls.map((c) => c.op)).toEqual(["ListTags", "DeleteTags", "AddTags"]);
    expect(aws.callsOf("DeleteTags")[0]!.input.TagKeys).toEqual(["mlops:rollout:mix-config", "mlops:rollout:driver"]);
  });

  it("writes through throttling, backing off on the clock", async () => {
    let refusals = 2;
    const add = aws.handlers.AddTags!;
    aws.handlers.AddTags = (input) => {
      if (refusals-- > 0) throw awsError("ThrottlingException", "Rate exceeded");
      return add(input);
    };
    const start = clock.t;
    await saveRecord(aws, pace(), ARN, rolloutRecord());
    expect(aws.tags).toEqual(encodeRollout(rolloutRecord()));
    // 1 s, then 2 s: the back-off doubles from one second.
    expect(clock.t - start).toBe(3_000);
  });

  it("writes and removes single fields under the record's prefix, and the way back", async () => {
    aws.tags = { team: "ml", "mlops:rollout:command": "abort" };
    await saveRecordFields(aws, pace(), ARN, { ending: "r1:done", ended: "5" });
    await removeRecordFields(aws, pace(), ARN, ["command"]);
    await writeWayBack(aws, pace(), ARN, { of: "churn-new", previous: "churn-old" });
    expect(aws.tags).toEqual({ team: "ml", "mlops:rollout:ending": "r1:done", "mlops:rollout:ended": "5", [PREVIOUS_CONFIG_TAG]: "churn-old", [PREVIOUS_OF_TAG]: "churn-new" });
  });
});

describe("checkTagBudget", () => {
  // A bare record is 22 tags; 6 more may come while it runs and when it ends, and 2 for the way back: 30.
  const own = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`team:${i}`, "x"]));
  const previous = { "mlops:rollout:id": "r0", [PREVIOUS_CONFIG_TAG]: "a", [PREVIOUS_OF_TAG]: "b" };

  it("20 tags of the user's own leave room; the last record and way back do not count as the user's", () => {
    expect(() => checkTagBudget("churn", { ...own(20), ...previous }, rolloutRecord({ driver: "d" }))).not.toThrow();
  });

  it("21 do not, and the error says the counts", () => {
    expect(() => checkTagBudget("churn", own(21), rolloutRecord())).toThrow(new UsageError("churn has 21 tags of its own; the rollout's record needs 30 more and SageMaker allows 50", { hint: "remove some of the endpoint's tags, or watch fewer alarms" }));
  });
});
