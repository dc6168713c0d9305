import { parseJson } from "../helpers/schemas";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { APPROVALS, ENDPOINT_TYPES, ENGINES, SHELLS, STRATEGIES, TRAFFIC_SHAPES } from "../../src/core/choices";
import { BIN, cleanEnv, ROOT, runCli } from "../helpers/cli";

/** Where the shell is, or undefined: zsh and fish are optional on a developer's or CI machine. */
const which = (name: string) => {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const HAS = { bash: which("bash"), zsh: which("zsh"), fish: which("fish"), python3: which("python3") };

const scripts: Record<string, string> = {};
let shim: string; // a directory with an `mlops` that runs the built CLI, for PATH
let files: string; // a working directory with files in it, for file-name completion

/** The environment a shell runs in: our `mlops` first on PATH, an empty home, no CI colour games. */
const shellEnv = () => ({ ...cleanEnv({ TERM: "dumb", PS1: "$ ", PROMPT: "$ " }), PATH: `${shim}:${process.env.PATH}` });

beforeAll(async () => {
  shim = mkdtempSync(join(tmpdir(), "mlops-shim-"));
  writeFileSync(join(shim, "mlops"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shim, "mlops"), 0o755);
  files = mkdtempSync(join(tmpdir(), "mlops-files-"));
  writeFileSync(join(files, "eval.json"), "{}");
  writeFileSync(join(files, "notes.txt"), "");
  mkdirSync(join(files, "reports"));
  for (const shell of SHELLS) {
    const r = await runCli(["completion", shell]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    scripts[shell] = r.stdout;
  }
});

function scriptFile(shell: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "mlops-completion-")), shell === "zsh" ? "_mlops" : `mlops.${shell}`);
  writeFileSync(path, scripts[shell]!);
  return path;
}

/** fish's complete -C lists candidates sorted. */
const sorted = (values: readonly string[]) => [...values].sort();

/** Single-quoted for sh, bash, zsh. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Lines the command printed to stdout, plus its exit code; fails the test on a shell error. */
function shell(cmd: string, args: string[], options: { cwd?: string } = {}) {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? files, env: shellEnv(), encoding: "utf8", timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Ask the bash script what it offers for each command line, as bash would call it: COMP_WORDS
 * holds the words (the last is the one being completed, "" after a space), COMP_CWORD its index.
 */
function bashComplete(cases: string[][], cwd = files): string[][] {
  const calls = cases.map((words) => `c ${words.map(q).join(" ")}`).join("\n");
  const program = `source ${q(scriptFile("bash"))}
c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=(); _mlops; printf '%s\\n' "\${COMPREPLY[@]}"; echo '::end'; }
${calls}`;
  const r = shell("bash", ["--norc", "--noprofile", "-c", program], { cwd });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return splitAnswers(r.stdout, cases.length);
}

function splitAnswers(stdout: string, count: number): string[][] {
  const answers = stdout.split("::end\n").slice(0, -1).map((block) => block.split("\n").filter((l) => l !== ""));
  expect(answers).toHaveLength(count);
  return answers;
}

/** The command list of `mlops --help` and the flags of `mlops deploy --help`: what completion must offer. */
async function helpListing(args: string[], section: "Commands" | "Options"): Promise<string[]> {
  const r = await runCli([...args, "--help"]);
  expect(r.code).toBe(0);
  const body = r.stdout.split(`${section}:\n`)[1]!.split(/\n\n/)[0]!;
  if (section === "Commands") return [...body.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
  return [...body.matchAll(/^ {2}(?:(-\w), )?(--[\w-]+)/gm)].flatMap((m) => [m[1], m[2]!].filter((x): x is string => x !== undefined));
}

describe("mlops completion (the command)", () => {
  it("without a shell, or with another one, exits 2 naming the shells; nothing on stdout", async () => {
    for (const args of [["completion"], ["completion", "tcsh"]]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("bash, zsh, fish");
    }
    expect((await runCli(["completion", "tcsh"])).stderr).toContain('shell "tcsh" must be one of: bash, zsh, fish');
  });

  it("--json prints one document {shell, script}, the same script as without it; errors are one document too", async () => {
    for (const shell of SHELLS) {
      const r = await runCli(["completion", shell, "--json"]);
      expect(r.code).toBe(0);
      expect(parseJson("completion", r.stdout)).toEqual({ shell, script: scripts[shell] });
    }
    const bad = await runCli(["completion", "--json"]);
    expect(bad.code).toBe(2);
    expect(parseJson("completion", bad.stdout)).toEqual({ error: expect.objectContaining({ name: "usage", exitCode: 2, message: expect.stringContaining("bash, zsh, fish") }) });
  });

  it("a broken mlops.yaml does not stop it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-badconfig-"));
    writeFileSync(join(dir, "mlops.yaml"), "deploy: [unclosed\n");
    const r = await runCli(["completion", "bash"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(scripts.bash);
  });

  it("its help names the shells and shows how to install, and mlops --help lists it", async () => {
    const r = await runCli(["completion", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('choices: "bash", "zsh", "fish"');
    const examples = r.stdout.split("Examples:\n")[1]!.split("\n\n")[0]!.trim().split("\n");
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    for (const shell of SHELLS) expect(r.stdout).toContain(`mlops completion ${shell}`);
    expect(await helpListing([], "Commands")).toContain("completion");
  });

  it("the help lists each closed-set flag's values, and a bad value still gets our message (not commander's)", async () => {
    const deploy = (await runCli(["deploy", "--help"])).stdout.replace(/\s+/g, " ");
    for (const values of [STRATEGIES, ENGINES, ENDPOINT_TYPES]) expect(deploy).toContain(`choices: ${values.map((v) => `"${v}"`).join(", ")}`);
    const r = await runCli(["deploy", "--endpoint", "e", "--model-package", "g/1", "--strategy", "yolo"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--strategy "yolo" must be one of: ${STRATEGIES.join(", ")}`);
  });
});

describe.skipIf(!HAS.bash)("bash", () => {
  it("source <(mlops completion bash) registers the completion for mlops", () => {
    const r = shell("bash", ["--norc", "--noprofile", "-c", "source <(mlops completion bash); complete -p mlops"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("complete -F _mlops mlops");
  });

  it("the script is valid bash, and loading it twice is harmless", () => {
    const file = scriptFile("bash");
    expect(shell("bash", ["-n", file]).code).toBe(0);
    const r = shell("bash", ["--norc", "--noprofile", "-c", `source ${q(file)}; source ${q(file)}; complete -p mlops`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("offers commands, subcommands and flags, global flags after a command too", () => {
    const [root, de, models, st, json, help, modelsHelp] = bashComplete([
      ["mlops", ""],
      ["mlops", "de"],
      ["mlops", "models", ""],
      ["mlops", "deploy", "--st"],
      ["mlops", "models", "list", "--js"],
      ["mlops", "help", ""],
      ["mlops", "models", "help", ""],
    ]);
    expect(root).toEqual(expect.arrayContaining(["deploy", "models", "endpoint", "sandbox", "completion", "help"]));
    expect(de).toEqual(["demo", "deploy"]);
    expect(models).toEqual(["list", "show", "approve", "reject", "help"]);
    expect(st).toEqual(["--strategy"]);
    expect(json).toEqual(["--json"]);
    expect(help).toContain("deploy");
    expect(help).not.toContain("help");
    expect(modelsHelp).toEqual(["list", "show", "approve", "reject"]);
  });

  it("offers every command of mlops --help and every flag of deploy --help (completion follows the program)", async () => {
    const [root, deployFlags] = bashComplete([
      ["mlops", ""],
      ["mlops", "deploy", "-"],
    ]);
    expect(root!.sort()).toEqual((await helpListing([], "Commands")).sort());
    const flags = await helpListing(["deploy"], "Options");
    expect(flags).toContain("--strategy");
    expect(deployFlags).toEqual(expect.arrayContaining(flags));
  });

  it("offers the values of closed-set flags, and the shells", () => {
    const answers = bashComplete([
      ["mlops", "deploy", "--strategy", ""],
      ["mlops", "deploy", "--engine", ""],
      ["mlops", "deploy", "--type", ""],
      ["mlops", "register", "--approval", ""],
      ["mlops", "models", "list", "--status", ""],
      ["mlops", "endpoint", "advise", "--traffic", ""],
      ["mlops", "completion", ""],
      ["mlops", "deploy", "--strategy", "ca"],
    ]);
    expect(answers).toEqual([[...STRATEGIES], [...ENGINES], [...ENDPOINT_TYPES], [...APPROVALS], [...APPROVALS], [...TRAFFIC_SHAPES], [...SHELLS], ["canary"]]);
  });

  it("skips option values when finding the command, and handles --flag=value as bash splits it", () => {
    const answers = bashComplete([
      ["mlops", "--region", "eu-west-1", "deploy", "--engine", ""],
      ["mlops", "--region", "models", "--js"], // "models" is the region here, not a command: still the top level
      ["mlops", "deploy", "--strategy", "="], // bash splits --strategy= at "=" (COMP_WORDBREAKS)
      ["mlops", "deploy", "--strategy", "=", "li"],
      ["mlops", "deploy", "--strategy=ca"], // when "=" is not a word break
      ["mlops", "deploy", "--endpoint", "prod", "--dry-run", ""], // a leaf command without arguments: its flags
    ]);
    expect(answers[0]).toEqual([...ENGINES]);
    expect(answers[1]).toEqual(["--json"]);
    expect(answers[2]).toEqual([...STRATEGIES]);
    expect(answers[3]).toEqual(["linear"]);
    expect(answers[4]).toEqual(["--strategy=canary"]);
    expect(answers[5]).toEqual(expect.arrayContaining(["--strategy", "--json"]));
  });

  it("offers file names for flags that take a file, and nothing for free-form values", () => {
    const [metrics, metricsPrefix, config, endpoint, models] = bashComplete([
      ["mlops", "register", "--metrics", ""],
      ["mlops", "register", "--metrics", "ev"],
      ["mlops", "--config", ""],
      ["mlops", "deploy", "--endpoint", ""],
      ["mlops", "models", "show", ""],
    ]);
    expect(metrics!.sort()).toEqual(["eval.json", "notes.txt", "reports"]);
    expect(metricsPrefix).toEqual(["eval.json"]);
    expect(config).toContain("eval.json");
    expect(endpoint).toEqual([]);
    expect(models).toEqual([]);
  });

  it.skipIf(!HAS.python3)("completes in a real interactive bash (readline, TAB by TAB)", async () => {
    const term = terminal("bash", ["--norc", "--noprofile", "-i"]);
    try {
      term.type("source <(mlops completion bash); echo READY\r");
      await term.waitFor(/^READY/m);
      // \x01 (Ctrl-A) goes to the start of the line: echo prints what completion made of it.
      term.type("mlops dep\t--strat\tca\t--engine=tr\t--config ev\t\x01echo \r");
      await term.waitFor(/^mlops deploy --strategy canary --engine=traffic --config eval.json\s*$/m);
    } finally {
      term.kill();
    }
  });
});

describe.skipIf(!HAS.zsh)("zsh", () => {
  /**
   * The script's function with the completion system's builtins replaced by ones that print what
   * they are given (filtered by the word being completed, as zsh would): words and CURRENT as
   * zsh sets them.
   */
  function zshComplete(cases: string[][]): string[][] {
    const calls = cases.map((words) => `c ${words.map(q).join(" ")}`).join("\n");
    const program = `
compdef() { print -r -- "compdef $*" >&2 }
offer() { local w; for w in "$@"; do [[ $w == "$PREFIX"* ]] && print -r -- "$w"; done }
_describe() { local name=$4; local -a items; items=("\${(@P)name}"); offer "\${(@)items%%:*}" }
compadd() { [[ $1 == -a ]] && { local name=$2; offer "\${(@P)name}" } }
_files() { offer *(N) }
compset() { [[ $1 == -P && $2 == '*=' ]] && PREFIX=\${PREFIX#*=} }
source ${q(scriptFile("zsh"))}
c() { words=("$@"); CURRENT=$#; PREFIX=\${words[CURRENT]}; _mlops; print -r -- '::end' }
${calls}`;
    const r = shell("zsh", ["-f", "-c", program]);
    expect(r.stderr).toBe("compdef _mlops mlops\n");
    expect(r.code).toBe(0);
    return splitAnswers(r.stdout, cases.length);
  }

  it("the script is valid zsh", () => {
    expect(shell("zsh", ["-n", scriptFile("zsh")]).code).toBe(0);
  });

  it("offers commands, flags, values, file names, skipping option values", () => {
    const answers = zshComplete([
      ["mlops", ""],
      ["mlops", "models", ""],
      ["mlops", "deploy", "--st"],
      ["mlops", "deploy", "--strategy", ""],
      ["mlops", "--region", "eu-west-1", "deploy", "--engine", ""],
      ["mlops", "models", "list", "--status", ""],
      ["mlops", "completion", ""],
      ["mlops", "deploy", "--strategy=ca"],
      ["mlops", "register", "--metrics", "ev"],
      ["mlops", "deploy", "--endpoint", ""],
    ]);
    expect(answers[0]).toEqual(expect.arrayContaining(["deploy", "models", "completion"]));
    expect(answers[1]).toEqual(["list", "show", "approve", "reject", "help"]);
    expect(answers[2]).toEqual(["--strategy"]);
    expect(answers[3]).toEqual([...STRATEGIES]);
    expect(answers[4]).toEqual([...ENGINES]);
    expect(answers[5]).toEqual([...APPROVALS]);
    expect(answers[6]).toEqual([...SHELLS]);
    expect(answers[7]).toEqual(["canary"]);
    expect(answers[8]).toEqual(["eval.json"]);
    expect(answers[9]).toEqual([]);
  });

  it.skipIf(!HAS.python3)("completes in a real interactive zsh with compinit, sourced and from fpath", async () => {
    const fpath = join(mkdtempSync(join(tmpdir(), "mlops-fpath-")), "_mlops");
    writeFileSync(fpath, scripts.zsh!);
    for (const load of ["source <(mlops completion zsh)", `fpath=(${q(join(fpath, ".."))} $fpath)`]) {
      const term = terminal("zsh", ["-f", "-i"]);
      try {
        // compinit's dump goes to a temporary file, not the (empty) home.
        const dump = join(mkdtempSync(join(tmpdir(), "mlops-zcomp-")), "zcompdump");
        const [before, after] = load.startsWith("source") ? ["", load] : [load, ""];
        term.type(`${before}${before ? "; " : ""}autoload -U compinit && compinit -u -d ${q(dump)}${after ? `; ${after}` : ""}; echo READY\r`);
        await term.waitFor(/^READY/m);
        term.type("mlops mod\tli\t--stat\tap\t\x01echo \r");
        await term.waitFor(/^mlops models list --status approved\s*$/m);
      } finally {
        term.kill();
      }
    }
  });
});

describe.skipIf(!HAS.fish)("fish", () => {
  /** fish's own completion engine (complete -C) with the script loaded. */
  function fishComplete(lines: string[]): string[][] {
    const calls = lines.map((line) => `complete -C ${q(line)} | string replace -r '\\t.*' ''; echo '::end'`).join("\n");
    const r = shell("fish", ["--no-config", "-c", `source ${q(scriptFile("fish"))}\n${calls}`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return splitAnswers(r.stdout, lines.length);
  }

  it("the script is valid fish", () => {
    expect(shell("fish", ["--no-config", "-n", scriptFile("fish")]).code).toBe(0);
  });

  it("offers commands, flags, values, file names, skipping option values", () => {
    const answers = fishComplete([
      "mlops ",
      "mlops models ",
      "mlops deploy --str",
      "mlops deploy --strategy ",
      "mlops --region eu-west-1 deploy --engine ",
      "mlops models list --status ",
      "mlops completion ",
      "mlops deploy --strategy=ca",
      "mlops register --metrics ev",
      "mlops deploy --endpoint ",
      "mlops help ",
    ]);
    expect(answers[0]).toEqual(expect.arrayContaining(["deploy", "models", "completion"]));
    expect(answers[0]).not.toContain("list");
    expect(answers[1]).toEqual(sorted(["list", "show", "approve", "reject", "help"]));
    expect(answers[2]).toEqual(["--strategy"]);
    expect(answers[3]).toEqual(sorted(STRATEGIES));
    expect(answers[4]).toEqual(sorted(ENGINES));
    expect(answers[5]).toEqual(sorted(APPROVALS));
    expect(answers[6]).toEqual(sorted(SHELLS));
    expect(answers[7]).toEqual(["--strategy=canary"]);
    expect(answers[8]).toEqual(["eval.json"]);
    expect(answers[9]).toEqual([]);
    expect(answers[10]).toContain("deploy");
  });

  it.skipIf(!HAS.python3)("completes in a real interactive fish", async () => {
    const term = terminal("fish", ["--no-config", "-i"]);
    try {
      term.type("mlops completion fish | source; echo READY\r");
      await term.waitFor(/^READY/m);
      term.type("mlops mod\tli\t--stat\tap\t\x01echo \r");
      await term.waitFor(/^mlops models list --status approved\s*$/m);
    } finally {
      term.kill();
    }
  });

  it("loads from ~/.config/fish/completions as the README says", () => {
    const home = mkdtempSync(join(tmpdir(), "mlops-fishhome-"));
    mkdirSync(join(home, ".config/fish/completions"), { recursive: true });
    writeFileSync(join(home, ".config/fish/completions/mlops.fish"), scripts.fish!);
    const r = spawnSync("fish", ["-c", "complete -C 'mlops deploy --engine '"], { cwd: files, env: { ...shellEnv(), HOME: home, XDG_CONFIG_HOME: join(home, ".config") }, encoding: "utf8" });
    expect(r.stdout.split("\n").map((l) => l.split("\t")[0]).filter(Boolean)).toEqual(sorted(ENGINES));
  });
});

/** A shell in a real pseudo-terminal (test/helpers/pty_bridge.py): type keys, wait for the screen. */
function terminal(cmd: string, args: string[]) {
  const child = spawn("python3", [join(ROOT, "test/helpers/pty_bridge.py"), cmd, ...args], { cwd: files, env: shellEnv(), stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  child.stdout.on("data", (d: Buffer) => (screen += d.toString()));
  const text = () => screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
  return {
    type: (keys: string) => child.stdin.write(keys),
    async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (pattern.test(text())) return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no ${pattern} on the terminal within ${timeoutMs} ms; it shows:\n${text()}`);
    },
    kill: () => child.kill("SIGKILL"),
  };
}
