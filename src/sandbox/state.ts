import { readFile, rename, writeFile } from "node:fs/promises";
import type { ServiceDefinition } from "./service";

interface StateFile {
  version: 1;
  /** Sandbox time when saved, so that a restart does not send the clock backwards. */
  clock: number;
  services: Record<string, unknown>;
}

/** Every service's state, as plain JSON-friendly objects, so that it can be saved and reset. */
export class StateStore {
  private slices = new Map<string, unknown>();

  constructor(private readonly services: readonly ServiceDefinition[]) {
    this.reset();
  }

  get(service: string): unknown {
    return this.slices.get(service);
  }

  reset(): void {
    for (const s of this.services) this.slices.set(s.name, s.initialState());
  }

  toFile(clockNow: number): StateFile {
    return { version: 1, clock: clockNow, services: Object.fromEntries(this.slices) };
  }

  fromFile(file: StateFile): void {
    for (const s of this.services) {
      const saved = file.services[s.name];
      // Keys a newer sandbox added start from their initial value.
      this.slices.set(s.name, saved && typeof saved === "object" ? { ...(s.initialState() as object), ...(saved as object) } : s.initialState());
    }
  }
}

export async function readStateFile(path: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as StateFile;
  if (parsed?.version !== 1 || typeof parsed.services !== "object") throw new Error(`${path} is not an mlops sandbox state file`);
  return parsed;
}

/** Write atomically: a crash mid-write leaves the previous state, never half a file. */
export async function writeStateFile(path: string, state: StateFile): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state));
  await rename(temp, path);
}
