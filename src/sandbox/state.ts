import { readFile, rename, writeFile } from "node:fs/promises";
import { MAX_SANDBOX_TIME } from "./clock";
import { withoutPrototypes } from "./records";
import type { ServiceDefinition } from "./service";

/**
 * Where resources live. AWS keeps resources per account and per region: an endpoint made in
 * us-east-1 is not there for a call to eu-west-1, and its ARN names us-east-1. S3 is the
 * exception the services declare (`scope: "account"`): one bucket namespace across regions,
 * each bucket remembering its own region.
 */
export interface Scope {
  accountId: string;
  region: string;
}

type Slices = Map<string, unknown>;

/**
 * The state file. Version 2 keeps every account's regions apart; version 1 (one world, no
 * regions) is still read, as the state of the sandbox's account in its default region.
 */
interface StateFileV2 {
  version: 2;
  /** Sandbox time when saved (epoch ms), so that a restart does not send the clock backwards. */
  clock: number;
  /** By 12-digit account id. */
  accounts: Record<
    string,
    {
      /** The account-wide services' state (S3), by service name. */
      account: Record<string, unknown>;
      /** Each region's state, by region name, then by service name. */
      regions: Record<string, Record<string, unknown>>;
    }
  >;
}

interface StateFileV1 {
  version: 1;
  clock: number;
  services: Record<string, unknown>;
}

export type StateFile = StateFileV2;

/** Account ids are 12 digits; regions as AWS names them (us-east-1, eu-central-2, us-gov-west-1, …). */
const ACCOUNT = /^\d{12}$/;
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Every service's state, per account and region, as JSON-friendly objects without prototypes
 * (see records.ts), so that it can be saved, reset and looked up by any name.
 */
export class StateStore {
  /** `account/region` → service → slice, for regional services. */
  private regional = new Map<string, Slices>();
  /** account → service → slice, for account-wide services (S3). */
  private accountWide = new Map<string, Slices>();

  /**
   * @param onScope called when a region's state is first made (or made again by reset), e.g.
   *   to attach status machines to it.
   */
  constructor(
    private readonly services: readonly ServiceDefinition[],
    private readonly home: Scope,
    private readonly onScope: (scope: Scope) => void = () => {},
  ) {}

  /** The state of `service` in `scope` (made empty on first use). */
  get(service: string, scope: Scope = this.home): unknown {
    const definition = this.services.find((s) => s.name === service);
    if (definition?.scope === "account") return this.slicesOf(this.accountWide, scope.accountId, () => {}).get(service);
    return this.slicesOf(this.regional, `${scope.accountId}/${scope.region}`, () => this.onScope(scope)).get(service);
  }

  /**
   * The regions of the sandbox's account that have state, the home region first: those whose
   * clocks tick. Other accounts' state (from a file saved with another --account) is kept and
   * saved again, but neither served nor ticked.
   */
  regions(): string[] {
    const prefix = `${this.home.accountId}/`;
    const others = [...this.regional.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).filter((r) => r !== this.home.region);
    return [this.home.region, ...others.sort()];
  }

  /** Forget everything: every account and region starts empty. */
  reset(): void {
    this.regional.clear();
    this.accountWide.clear();
  }

  /** A deep copy of all state, to compare before and after. */
  snapshot(): unknown {
    return JSON.parse(JSON.stringify(this.toFile(0).accounts));
  }

  toFile(clockNow: number): StateFile {
    const accounts: StateFile["accounts"] = {};
    const entry = (account: string) => (accounts[account] ??= { account: {}, regions: {} });
    for (const [account, slices] of this.accountWide) if (!this.pristine(slices)) entry(account).account = Object.fromEntries(slices);
    for (const [key, slices] of this.regional) {
      const [account, region] = key.split("/") as [string, string];
      if (!this.pristine(slices)) entry(account).regions[region] = Object.fromEntries(slices);
    }
    return { version: 2, clock: clockNow, accounts };
  }

  /** Load a checked file (readStateFile), replacing what is held. */
  fromFile(file: StateFile): void {
    this.reset();
    for (const [account, { account: wide, regions }] of Object.entries(file.accounts)) {
      this.accountWide.set(account, this.load(wide, "account"));
      for (const [region, services] of Object.entries(regions)) {
        this.regional.set(`${account}/${region}`, this.load(services, "region"));
        this.onScope({ accountId: account, region });
      }
    }
  }

  private load(saved: Record<string, unknown>, scope: "account" | "region"): Slices {
    const slices: Slices = new Map();
    for (const s of this.services) {
      if ((s.scope ?? "region") !== scope) continue;
      // Keys a newer sandbox added start from their initial value.
      const value = saved[s.name];
      slices.set(s.name, withoutPrototypes(value === undefined ? s.initialState() : { ...(s.initialState() as object), ...(value as object) }));
    }
    return slices;
  }

  private slicesOf(map: Map<string, Slices>, key: string, made: () => void): Slices {
    let slices = map.get(key);
    if (!slices) {
      const scope = map === this.accountWide ? "account" : "region";
      slices = new Map(this.services.filter((s) => (s.scope ?? "region") === scope).map((s) => [s.name, withoutPrototypes(s.initialState())]));
      map.set(key, slices);
      made();
    }
    return slices;
  }

  /** Whether every slice is still as it started: such scopes are not saved. */
  private pristine(slices: Slices): boolean {
    return this.services.every((s) => !slices.has(s.name) || JSON.stringify(slices.get(s.name)) === JSON.stringify(s.initialState()));
  }
}

/** A state file that cannot be used. Its message names the file and what is wrong. */
export class StateFileError extends Error {}

/**
 * Read and check a state file; undefined when there is none. A version 1 file becomes the
 * state of `home` (its services then in home's region). Throws StateFileError, naming the file,
 * when it is not JSON, has another version, or its contents do not have the shape this sandbox
 * keeps; nothing is written then.
 */
export async function readStateFile(path: string, services: readonly ServiceDefinition[], home: Scope): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`the state file ${path} is not valid JSON (${(error as Error).message}); move it away or pass another --state-file`);
  }
  const problem = (what: string) => new StateFileError(`the state file ${path} is not a state file this sandbox can load: ${what}; it was left as it is`);
  if (!isObject(parsed)) throw problem("it is not a JSON object");
  if (parsed.version !== 1 && parsed.version !== 2) throw problem(`version ${JSON.stringify(parsed.version)} (this sandbox reads versions 1 and 2)`);
  if (typeof parsed.clock !== "number" || !(parsed.clock >= 0 && parsed.clock <= MAX_SANDBOX_TIME)) throw problem(`clock ${JSON.stringify(parsed.clock)} is not a time between 1970 and 9999`);
  const file = parsed.version === 1 ? migrate(parsed as unknown as StateFileV1, services, home, problem) : (parsed as unknown as StateFileV2);
  if (!isObject(file.accounts)) throw problem("accounts is not an object");
  for (const [account, held] of Object.entries(file.accounts)) {
    if (!ACCOUNT.test(account)) throw problem(`account id "${account}" is not 12 digits`);
    if (!isObject(held) || !isObject(held.account) || !isObject(held.regions)) throw problem(`accounts.${account} needs the objects account and regions`);
    checkSlices(held.account, services, "account", `accounts.${account}.account`, problem);
    for (const [region, slices] of Object.entries(held.regions)) {
      if (!REGION_NAME.test(region)) throw problem(`"${region}" is not a region name`);
      if (!isObject(slices)) throw problem(`accounts.${account}.regions.${region} is not an object`);
      checkSlices(slices, services, "region", `accounts.${account}.regions.${region}`, problem);
    }
  }
  return file;
}

function migrate(v1: StateFileV1, services: readonly ServiceDefinition[], home: Scope, problem: (what: string) => Error): StateFileV2 {
  if (!isObject(v1.services)) throw problem("services is not an object");
  const pick = (scope: "account" | "region") =>
    Object.fromEntries(Object.entries(v1.services).filter(([name]) => (services.find((s) => s.name === name)?.scope ?? "region") === scope));
  return { version: 2, clock: v1.clock, accounts: { [home.accountId]: { account: pick("account"), regions: { [home.region]: pick("region") } } } };
}

/**
 * The shape a service's state must have: each top-level member of the kind its initial state
 * has (object, array, number, string), and each record (a member that starts as `{}`) a map of
 * objects. Enough that a file of the right version with other contents is refused at start
 * rather than crashing the sandbox later.
 */
function checkSlices(slices: Record<string, unknown>, services: readonly ServiceDefinition[], scope: "account" | "region", where: string, problem: (what: string) => Error): void {
  for (const s of services) {
    if ((s.scope ?? "region") !== scope || slices[s.name] === undefined) continue;
    const saved = slices[s.name];
    const path = `${where}.${s.name}`;
    if (!isObject(saved)) throw problem(`${path} is not an object`);
    for (const [key, initial] of Object.entries(s.initialState() as Record<string, unknown>)) {
      const value = saved[key];
      if (value === undefined) continue;
      if (kind(value) !== kind(initial)) throw problem(`${path}.${key} is ${kind(value)}, not ${kind(initial)}`);
      if (isObject(initial) && Object.keys(initial).length === 0) {
        for (const [name, item] of Object.entries(value as Record<string, unknown>)) if (!isObject(item)) throw problem(`${path}.${key}["${name}"] is ${kind(item)}, not object`);
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** Write atomically: a crash mid-write leaves the previous state, never half a file. */
export async function writeStateFile(path: string, state: StateFile): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, path);
}
