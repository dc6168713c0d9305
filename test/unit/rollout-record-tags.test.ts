import { describe, expect, it } from "vitest";
import { decodeRollout, encodeRollout, endingTag, isActive, needsFinishing, newRolloutId, PREVIOUS_CONFIG_TAG, PREVIOUS_OF_TAG, rolloutSteps, rolloutTagKeys, wayBack } from "../../src/core/rollout-state";
import { CREATED_BY, isOwnedBy, OWNER_TAG_KEYS, ownerTags, tagList } from "../../src/core/ownership";
import { rolloutRecord } from "../helpers/rollout-record";

/**
 * The rollout record as it lives in the endpoint's tags (what every later command reads back),
 * and the owner tags that decide what cleanup may delete.
 */

const P = "mlops:rollout:";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** The tags of the smallest record: an id and a phase. */
const minimal = { [`${P}id`]: "r1", [`${P}phase`]: "updating" };

describe("encoding a record", () => {
  it("writes exactly the fields a bare record has, and no optional ones", () => {
    const state = rolloutRecord({ alarms: [] });
    // Strict: an optional field must be absent, not present as undefined.
    expect(encodeRollout(state)).toStrictEqual({
      [`${P}id`]: "r1",
      [`${P}mode`]: "guardrails",
      [`${P}strategy`]: "canary",
      [`${P}phase`]: "updating",
      [`${P}canary`]: "10",
      [`${P}linear-step`]: "20",
      [`${P}bake`]: "300",
      [`${P}final-bake`]: "300",
      [`${P}step`]: "-1",
      [`${P}weight`]: "0",
      [`${P}old-config`]: "churn-old",
      [`${P}new-config`]: "churn-new",
      [`${P}poll`]: "15",
      [`${P}keep-old`]: "false",
      [`${P}pause`]: "false",
      [`${P}started`]: String(state.startedAt),
      [`${P}phase-since`]: String(state.phaseSince),
      [`${P}heartbeat`]: String(state.heartbeat),
      [`${P}old-variants`]: "1",
      [`${P}old-variants:0`]: b64([{ name: "AllTraffic", weight: 1 }]),
      [`${P}alarms`]: "1",
      [`${P}alarms:0`]: b64([]),
    });
  });

  it("writes each optional field when it is set, and a finished record's ending", () => {
    const tags = encodeRollout(rolloutRecord({ phase: "done", finished: true, mixConfig: "m", newVariant: "v", driver: "d", command: "abort", commandId: "c", takenCommandIds: ["x", "y"], ownedAlarms: ["o"] }));
    expect(tags[`${P}mix-config`]).toBe("m");
    expect(tags[`${P}new-variant`]).toBe("v");
    expect(tags[`${P}driver`]).toBe("d");
    expect(tags[`${P}command`]).toBe("abort");
    expect(tags[`${P}command-id`]).toBe("c");
    expect(tags[`${P}taken-commands`]).toBe("x y");
    expect(tags[`${P}ending`]).toBe("r1:done");
    expect(tags[`${P}owned-alarms`]).toBe("1");
    expect(tags[`${P}owned-alarms:0`]).toBe(b64(["o"]));
  });

  it("a value of exactly 256 characters takes one piece, not one and an empty one", () => {
    // ["<188 a>"] is 192 bytes of JSON; base64 spells 3 bytes in 4 characters: 256 characters.
    const alarms = ["a".repeat(188)];
    const tags = encodeRollout(rolloutRecord({ alarms }));
    expect(tags[`${P}alarms`]).toBe("1");
    expect(tags[`${P}alarms:0`]).toHaveLength(256);
    expect(Object.keys(tags).filter((k) => k.startsWith(`${P}alarms:`))).toEqual([`${P}alarms:0`]);
    expect(decodeRollout(tags)!.alarms).toEqual(alarms);
  });
});

describe("decoding a record", () => {
  it("the smallest record reads with every default", () => {
    expect(decodeRollout(minimal)).toEqual({
      id: "r1",
      mode: "traffic",
      strategy: "canary",
      phase: "updating",
      finished: false,
      plan: { canaryPercent: 10, linearStep: 20, bake: 0, finalBake: 0 },
      // canary 10 % with no alarms and no bakes: two steps, as trafficSteps makes them.
      steps: [
        { weight: 10, bake: 0 },
        { weight: 100, bake: 0 },
      ],
      step: -1,
      weight: 0,
      oldConfig: "",
      newConfig: "",
      mixConfig: undefined,
      modelPackage: undefined,
      newVariant: undefined,
      oldVariants: [],
      alarms: [],
      ownedAlarms: [],
      pollSeconds: 15,
      keepOld: false,
      pause: false,
      startedAt: 0,
      phaseSince: 0,
      heartbeat: 0,
      endedAt: undefined,
      driver: undefined,
      command: undefined,
      commandId: undefined,
      takenCommandIds: [],
    });
  });

  it("is no record without an id or without a phase", () => {
    expect(decodeRollout({ [`${P}id`]: "r1" })).toBeUndefined();
    expect(decodeRollout({ [`${P}phase`]: "updating" })).toBeUndefined();
  });

  it.each([
    ["empty", "", -1],
    ["not a number", "x", -1],
    ["a number", "2", 2],
  ])("a number field that is %s reads as %s", (_, value, step) => {
    expect(decodeRollout({ ...minimal, [`${P}step`]: value })!.step).toBe(step);
  });

  it("reads flags only when spelt true, and command ids split on any spacing", () => {
    const state = decodeRollout({ ...minimal, [`${P}keep-old`]: "true", [`${P}pause`]: "yes", [`${P}taken-commands`]: "a  b" })!;
    expect([state.keepOld, state.pause, state.takenCommandIds]).toEqual([true, false, ["a", "b"]]);
    expect(decodeRollout({ ...minimal, [`${P}pause`]: "true" })!.pause).toBe(true);
  });

  it("an ending naming this rollout finishes it, with its end time; one naming another rollout is ignored", () => {
    const ended = decodeRollout({ ...minimal, [`${P}ending`]: endingTag("r1", "rolled-back"), [`${P}ended`]: "5000" })!;
    expect([ended.phase, ended.finished, ended.endedAt]).toEqual(["rolled-back", true, 5000]);
    const noTime = decodeRollout({ ...minimal, [`${P}ending`]: "r1:done" })!;
    expect([noTime.phase, noTime.finished, noTime.endedAt]).toEqual(["done", true, undefined]);
    const stale = decodeRollout({ ...minimal, [`${P}ending`]: "r0:done", [`${P}ended`]: "5000" })!;
    expect([stale.phase, stale.finished, stale.endedAt]).toEqual(["updating", false, undefined]);
  });

  it.each([
    ["a count that is not a whole number", "1.5", []],
    ["a count over 50 (more pieces than an endpoint has tags)", "51", []],
    ["a count of 50", "50", ["a"]],
    ["a count of 1", "1", ["a"]],
  ])("alarm pieces with %s", (_, count, alarms) => {
    expect(decodeRollout({ ...minimal, [`${P}alarms`]: count, [`${P}alarms:0`]: b64(["a"]) })!.alarms).toEqual(alarms);
  });

  it("pieces that are not JSON read as none", () => {
    expect(decodeRollout({ ...minimal, [`${P}alarms`]: "1", [`${P}alarms:0`]: Buffer.from("not json").toString("base64url") })!.alarms).toEqual([]);
  });
});

describe("the record's state", () => {
  it("needs finishing only when ended and not booked", () => {
    expect(needsFinishing(undefined)).toBe(false);
    expect(needsFinishing(rolloutRecord({ phase: "shifting" }))).toBe(false);
    expect(needsFinishing(rolloutRecord({ phase: "failed" }))).toBe(true);
    expect(isActive(undefined)).toBe(false);
  });

  it("steps come from the alarms too: all at once with alarms bakes for the final bake, without none", () => {
    const plan = { canaryPercent: 10, linearStep: 20, bake: 60, finalBake: 120 };
    expect(rolloutSteps("traffic", "all-at-once", plan, ["a"])).toEqual([{ weight: 100, bake: 120 }]);
    expect(rolloutSteps("traffic", "all-at-once", plan, [])).toEqual([{ weight: 100, bake: 0 }]);
  });

  it("rolloutTagKeys lists the record's keys only", () => {
    expect(rolloutTagKeys({ [`${P}id`]: "r1", team: "x", [PREVIOUS_CONFIG_TAG]: "c", "x:mlops:rollout:": "y" })).toEqual([`${P}id`]);
  });

  it("new rollout ids: r, the time in base 36, three random base-36 digits", () => {
    expect(newRolloutId(36 ** 2, () => 0)).toBe("r100000");
    // 0.5 × 36³ = 23328 = 18 × 36² → "i00"
    expect(newRolloutId(35, () => 0.5)).toBe("rzi00");
  });

  it("no way back without a serving config, whatever the config's tags say", () => {
    expect(wayBack({ [PREVIOUS_OF_TAG]: "a", [PREVIOUS_CONFIG_TAG]: "b" }, undefined, { [OWNER_TAG_KEYS.previousConfig]: "c" })).toBeUndefined();
    expect(wayBack({}, "a", { [OWNER_TAG_KEYS.previousConfig]: "c" })).toBe("c");
  });
});

describe("ownership", () => {
  it("owner tags name mlops, the endpoint and the rollout, plus any extra", () => {
    expect(ownerTags("churn", "r1")).toEqual({ "mlops:created-by": "mlops", "mlops:endpoint": "churn", "mlops:rollout-id": "r1" });
    expect(ownerTags("churn", "r1", { "mlops:previous-config": "old" })).toEqual({ "mlops:created-by": "mlops", "mlops:endpoint": "churn", "mlops:rollout-id": "r1", "mlops:previous-config": "old" });
  });

  it.each([
    ["made by mlops for this endpoint", { [OWNER_TAG_KEYS.createdBy]: CREATED_BY, [OWNER_TAG_KEYS.endpoint]: "churn" }, true],
    ["made by mlops for another endpoint", { [OWNER_TAG_KEYS.createdBy]: CREATED_BY, [OWNER_TAG_KEYS.endpoint]: "churn-2" }, false],
    ["naming this endpoint but not made by mlops", { [OWNER_TAG_KEYS.createdBy]: "terraform", [OWNER_TAG_KEYS.endpoint]: "churn" }, false],
    ["untagged", {}, false],
  ])("a resource %s: owned = %s", (_, tags, owned) => {
    expect(isOwnedBy(tags, "churn")).toBe(owned);
  });

  it("tags as the SDKs take them", () => {
    expect(tagList({ a: "1", b: "2" })).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ]);
  });
});
