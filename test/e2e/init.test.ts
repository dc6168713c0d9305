import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, ROOT, runCli, runInTerminal } from "../helpers/cli";
import { parseJson } from "../helpers/schemas";

/**
 * `mlops init` with the built CLI, on the fixture template (test/fixtures/templates/mini): what it
 * writes, what it refuses before writing anything, and the questionnaire on a real terminal.
 */

const MINI = join(ROOT, "test/fixtures/templates/mini");
const temp = () => mkdtempSync(join(tmpdir(), "mlops-init-e2e-"));

/** Every path under `dir` with its kind and content: equal hashes, unchanged folder. */
function hashTree(dir: string): string {
  const hash = createHash("sha256");
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const info = lstatSync(path);
      hash.update(`${relative(dir, path)}\0${info.mode}\0${info.size}\0`);
      if (info.isDirectory()) walk(path);
      else if (info.isFile()) hash.update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest("hex");
}

const init = (args: string[], cwd: string) => runCli(["init", ...args, "--template", MINI], { cwd, env: cleanEnv() });

describe("mlops init without a terminal", () => {
  it("renders the fixture template with every default, and says what it assumed (--json: one document, as published)", async () => {
    const cwd = temp();
    const r = await init(["churn", "--json"], cwd);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson("init", r.stdout);
    expect(doc).toMatchObject({
      directory: join(cwd, "churn"),
      template: { name: "mini", path: MINI, builtin: false },
      dryRun: false,
      answers: { name: "churn", region: "us-east-1", framework: "sklearn", orchestrator: "sagemaker-pipelines", source: "github", endpointType: "realtime", strategy: "canary", metric: "accuracy", threshold: "0.8" },
      orchestratorReason: expect.stringMatching(/^SageMaker Pipelines: /),
    });
    expect(doc.assumed).toContain("--name churn (the folder's name)");
    expect(doc.files).toEqual(["README.md", "project.json", "pipelines/pipeline.json", "infra/stack.yaml", "train.py"].map((path) => ({ path, action: "created" })));
    const project = join(cwd, "churn");
    expect(JSON.parse(readFileSync(join(project, "project.json"), "utf8"))).toEqual({ name: "churn", region: "us-east-1", group: "churn", releasePipeline: "churn-release", metric: "accuracy", threshold: "0.8" });
    expect(readFileSync(join(project, "infra/stack.yaml"), "utf8")).toContain('BucketName: !Sub "churn-artifacts-${AWS::AccountId}"');
    // No temporary file is left beside what was written.
    expect(readdirSync(project).sort()).toEqual(["README.md", "infra", "pipelines", "project.json", "train.py"]);
  });

  it("flags and the region settings choose; the text output lists each file", async () => {
    const cwd = temp();
    const r = await runCli(["init", "ml", "--name", "churn-ml", "--orchestrator", "step-functions", "--framework", "pytorch", "--metric", "f1", "--threshold", "0.75", "--template", MINI], { cwd, env: cleanEnv({ AWS_REGION: "eu-west-1" }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Project churn-ml in ml \(template mini\): 4 files\n {2}created {2}README\.md\n/);
    expect(r.stdout).toContain("created  pipelines/state-machine.asl.json");
    expect(r.stdout).toContain("Orchestrator: Step Functions: Lambda, Glue");
    expect(JSON.parse(readFileSync(join(cwd, "ml/project.json"), "utf8"))).toMatchObject({ name: "churn-ml", region: "eu-west-1", metric: "f1", threshold: "0.75" });
    expect(existsSync(join(cwd, "ml/train.py"))).toBe(false);
  });

  it("into a folder that is not empty: exit 2 without --force, and not one byte changes", async () => {
    const cwd = temp();
    const project = join(cwd, "churn");
    mkdirSync(join(project, "infra"), { recursive: true });
    writeFileSync(join(project, "README.md"), "my notes");
    writeFileSync(join(project, "infra/stack.yaml"), "mine: true\n");
    const before = hashTree(cwd);
    const r = await init(["churn"], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: churn is not empty \(2 entries\): init writes only into a new or empty folder/);
    expect(r.stderr).toContain("--force");
    expect(r.stdout).toBe("");
    expect(hashTree(cwd)).toBe(before);
    // --dry-run checks the same.
    expect((await init(["churn", "--dry-run"], cwd)).code).toBe(2);
    expect(hashTree(cwd)).toBe(before);
  });

  it("--force writes only the template's files, listing each as created or overwritten; other files stay", async () => {
    const cwd = temp();
    const project = join(cwd, "churn");
    mkdirSync(project);
    writeFileSync(join(project, "README.md"), "my notes");
    writeFileSync(join(project, "data.csv"), "a,b\n1,2\n");
    const r = await init(["churn", "--force", "--json"], cwd);
    expect(r.code, r.stderr).toBe(0);
    const files = parseJson("init", r.stdout).files;
    expect(files).toContainEqual({ path: "README.md", action: "overwritten" });
    expect(files).toContainEqual({ path: "project.json", action: "created" });
    expect(files.filter((f: { action: string }) => f.action === "overwritten")).toHaveLength(1);
    expect(readFileSync(join(project, "data.csv"), "utf8")).toBe("a,b\n1,2\n");
    expect(readFileSync(join(project, "README.md"), "utf8")).toMatch(/^# churn/);
  });

  it("--dry-run lists what it would write and writes nothing, not even the folder", async () => {
    const cwd = temp();
    const before = hashTree(cwd);
    const r = await init(["churn", "--dry-run"], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Dry run: would write 5 files in churn \(template mini\); nothing was written\n {2}would be created {2}README\.md/);
    expect(hashTree(cwd)).toBe(before);
    expect(existsSync(join(cwd, "churn"))).toBe(false);
  });

  it("bad input exits 2 before anything is written, naming the flag and the rule", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["Churn"], /the project name "Churn" \(the folder's name; give --name to choose another\) must be lower case/],
      [["x", "--name", "Churn"], /--name "Churn" must be lower case/],
      [["x", "--name", "c".repeat(33)], /is 33 characters; the limit is 32/],
      [["x", "--name", "../x"], /--name "\.\.\/x" is a path, not a name/],
      [["x", "--metric", "f1-score"], /--metric "f1-score"/],
      [["x", "--threshold", "1e999"], /--threshold is too large a number/],
      [["x", "--strategy", "rolling"], /--strategy "rolling" must be one of: canary, linear, blue-green, all-at-once/],
      [["churn", "--region", "moon-1"], /--region: must be an AWS region/],
      [["churn", "--endpoint-type", "batch", "--strategy", "linear"], /--strategy linear has no effect with --endpoint-type batch/],
    ];
    // Side by side: each run is a process of its own, in a folder of its own.
    await Promise.all(
      cases.map(async ([args, message]) => {
        const cwd = temp();
        const r = await init(args, cwd);
        expect(r.code, args.join(" ")).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(readdirSync(cwd)).toEqual([]);
      }),
    );
  });

  it("--template: a manifest whose path climbs out of the project exits 2, naming the file and the key; nothing is written", async () => {
    const template = temp();
    writeFileSync(join(template, "template.yaml"), "description: escapes\nfiles:\n  - path: ../x\n");
    mkdirSync(join(template, "files"));
    writeFileSync(join(template, "x"), "pwned");
    const cwd = temp();
    const before = hashTree(cwd);
    const r = await runCli(["init", "churn", "--template", template], { cwd, env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/template\.yaml: files\.0\.path: "\.\.\/x" climbs out with "\.\.": a template writes only inside the project/);
    expect(hashTree(cwd)).toBe(before);
  });

  it("--template: a file that does not parse once rendered exits 1, naming it; nothing is written", async () => {
    const template = temp();
    writeFileSync(join(template, "template.yaml"), "description: broken\nfiles:\n  - path: ok.md\n  - path: config.json\n");
    mkdirSync(join(template, "files"));
    writeFileSync(join(template, "files/ok.md"), "# {{name}}\n");
    writeFileSync(join(template, "files/config.json"), '{ "name": "{{name}}", }');
    const cwd = temp();
    const r = await runCli(["init", "churn", "--template", template], { cwd, env: cleanEnv() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the template is broken: config\.json \(from files\/config\.json\) does not parse once rendered/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("--list-templates lists the built-in templates with their descriptions", async () => {
    const r = await runCli(["init", "--list-templates", "--json"], { env: cleanEnv() });
    expect(r.code, r.stderr).toBe(0);
    const { templates } = parseJson("init", r.stdout);
    const builtin = join(ROOT, "templates");
    const expected = existsSync(builtin) ? readdirSync(builtin).filter((n) => existsSync(join(builtin, n, "template.yaml"))).sort() : [];
    expect(templates.map((t: { name: string }) => t.name)).toEqual(expected);
    for (const t of templates) expect(t.description).not.toBe("");
  });

  it("the built-in template outside us-east-1 warns that its framework images carry us-east-1's registry accounts", async () => {
    const cwd = temp();
    const away = await runCli(["init", "p-eu", "--region", "eu-west-3", "--yes"], { cwd, env: cleanEnv() });
    expect(away.code, away.stderr).toBe(0);
    expect(away.stderr).toMatch(/warning: the framework images written are us-east-1's registry accounts with eu-west-3's domain/);
    const home = await runCli(["init", "p-us", "--region", "us-east-1", "--yes"], { cwd, env: cleanEnv() });
    expect(home.code, home.stderr).toBe(0);
    expect(home.stderr).not.toMatch(/framework images/);
  });
});

describe("mlops init on a terminal", () => {
  it("asks; answering that Lambda and Glue take part picks Step Functions and shows why; the printed line does the same without questions", async () => {
    const cwd = temp();
    const term = runInTerminal(["init", "churn", "--template", MINI], { cwd, env: cleanEnv({ CI: undefined }) });
    const DOWN = "\x1b[B";
    try {
      await term.waitFor(/Project name .*\(churn\)/);
      term.type("\r");
      await term.waitFor(/Which framework trains the model\?/);
      term.type(`${DOWN}\r`);
      await term.waitFor(/What does the build workflow touch\?/);
      await term.waitFor(/Other AWS services take part too/);
      term.type(`${DOWN}\r`);
      await term.waitFor(/→ Step Functions: Lambda, Glue or other AWS services take part/);
      await term.waitFor(/Where does the release pipeline get the code from\?/);
      term.type("\r");
      await term.waitFor(/Which kind of endpoint serves the model\?/);
      await term.waitFor(/help me choose/);
      term.type("\r");
      await term.waitFor(/How does a new version take the traffic\?/);
      term.type("\r");
      await term.waitFor(/Metric the pipeline checks/);
      term.type("\r");
      await term.waitFor(/Lowest accuracy that registers a model/);
      term.type("lots\r");
      await term.waitFor(/--threshold must be a number/);
      term.type("\x15 0.9\r");
      await term.waitFor(/Project churn in churn \(template mini\)/);
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    const screen = term.text();
    expect(screen).toContain("created  pipelines/state-machine.asl.json");
    expect(JSON.parse(readFileSync(join(cwd, "churn/project.json"), "utf8"))).toMatchObject({ name: "churn", threshold: "0.9" });
    const line = /# next time, without questions: ([^\r\n]*)/.exec(screen)?.[1];
    expect(line).toBe(`mlops init churn --template ${MINI} --name churn --framework xgboost --orchestrator step-functions --source github --endpoint-type realtime --strategy canary --metric accuracy --threshold 0.9`);
    // Run without a terminal, the line writes the same project.
    const again = temp();
    const replay = await runCli(line!.split(" ").slice(1), { cwd: again, env: cleanEnv() });
    expect(replay.code, replay.stderr).toBe(0);
    expect(hashTree(join(again, "churn"))).toBe(hashTree(join(cwd, "churn")));
  });
});
