/** Facts about where we run, read once: TTYs, CI, colour. Pure functions of the env and streams. */

export type Env = Readonly<Record<string, string | undefined>>;

export interface StreamInfo {
  isTTY?: boolean;
  /** A terminal's width in columns (Node sets it on TTY streams): human text is wrapped to it. */
  columns?: number;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

/** CI, CodeBuild, or anything else that says nobody is at a keyboard. */
export function isAutomation(env: Env): boolean {
  return truthy(env.CI) || env.CODEBUILD_BUILD_ID !== undefined;
}

/**
 * Whether we may ask: the predicate behind the prompt gate (io/prompt.ts). We render prompts
 * on stderr so stdout stays clean for results, so stderr must be a terminal too.
 */
export function canPrompt(
  env: Env,
  streams: { stdin: StreamInfo; stdout: StreamInfo; stderr: StreamInfo },
  noInput: boolean,
): boolean {
  return !noInput && !isAutomation(env) && !!streams.stdin.isTTY && !!streams.stdout.isTTY && !!streams.stderr.isTTY;
}

/** Live redraws (spinners, progress bars) only on a real terminal outside CI. */
export function canAnimate(env: Env, stderr: StreamInfo): boolean {
  return !!stderr.isTTY && !isAutomation(env) && env.TERM !== "dumb";
}

/** chalk does not read NO_COLOR, so we decide the level ourselves. 0 = no colour. */
export function colorLevel(env: Env, stream: StreamInfo, noColorFlag: boolean): 0 | 1 | 2 | 3 {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") {
    if (force === "0" || force === "false") return 0;
    const n = Number(force);
    return n === 2 || n === 3 ? n : 1;
  }
  if (!stream.isTTY || env.TERM === "dumb") return 0;
  if (env.COLORTERM === "truecolor" || env.COLORTERM === "24bit") return 3;
  return env.TERM?.includes("256") ? 2 : 1;
}
