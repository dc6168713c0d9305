import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildView, INIT_DEFAULTS, type InitAnswers } from "../../src/core/init-choices";
import { UsageError } from "../../src/errors";
import { INIT_LOCK, planWrites, projectFolder, writeAtomic, writeProject } from "../../src/io/project-files";
import { builtinTemplatesDir, listTemplates, renderTemplate, resolveTemplate } from "../../src/io/template-dir";
import { ROOT } from "../helpers/cli";

const MINI = join(ROOT, "test/fixtures/templates/mini");
const ANSWERS: InitAnswers = { name: "churn", ...INIT_DEFAULTS };
const temp = () => mkdtempSync(join(tmpdir(), "mlops-init-"));

/** A template folder made for one test: its manifest and files. */
function templateDir(manifest: string, files: Record<string, string>): string {
  const dir = temp();
  writeFileSync(join(dir, "template.yaml"), manifest);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, "files", path, ".."), { recursive: true });
    writeFileSync(join(dir, "files", path), text);
  }
  mkdirSync(join(dir, "files"), { recursive: true });
  return dir;
}

describe("init: template folders", () => {
  it("renders the fixture template: the files its `when`s select, each parsed", async () => {
    const sm = await renderTemplate(MINI, ANSWERS, buildView(ANSWERS, "0.1.0"));
    expect(sm.files.map((f) => f.path)).toEqual(["README.md", "project.json", "pipelines/pipeline.json", "infra/stack.yaml", "train.py"]);
    expect(JSON.parse(sm.files.find((f) => f.path === "project.json")!.text)).toMatchObject({ name: "churn", releasePipeline: "churn-release", threshold: "0.8" });
    const sfn = { ...ANSWERS, orchestrator: "step-functions" as const, framework: "pytorch" as const };
    const other = await renderTemplate(MINI, sfn, buildView(sfn, "0.1.0"));
    expect(other.files.map((f) => f.path)).toEqual(["README.md", "project.json", "pipelines/state-machine.asl.json", "infra/stack.yaml"]);
    expect(other.files[0]!.text).toContain("The build runs as a Step Functions state machine.");
  });

  it("refuses a manifest whose path climbs out of the project, and a source that is a link out of files/", async () => {
    const escaping = templateDir("description: d\nfiles:\n  - path: ../x\n", { "../x": "" });
    await expect(renderTemplate(escaping, ANSWERS, buildView(ANSWERS, "0"))).rejects.toThrow(/template\.yaml: files\.0\.path: "\.\.\/x" climbs out/);
    const secret = join(temp(), "secret.txt");
    writeFileSync(secret, "do not read");
    const linked = templateDir("description: d\nfiles:\n  - path: a.txt\n", {});
    symlinkSync(secret, join(linked, "files", "a.txt"));
    await expect(renderTemplate(linked, ANSWERS, buildView(ANSWERS, "0"))).rejects.toThrow(/a\.txt is a symbolic link/);
    const outside = temp();
    writeFileSync(join(outside, "b.txt"), "outside");
    const linkedDir = templateDir("description: d\nfiles:\n  - path: sub/b.txt\n", {});
    symlinkSync(outside, join(linkedDir, "files", "sub"));
    await expect(renderTemplate(linkedDir, ANSWERS, buildView(ANSWERS, "0"))).rejects.toThrow(/outside the template's files\/ folder/);
    // files/ itself a link (files -> /etc) is refused, not followed.
    const whole = temp();
    writeFileSync(join(whole, "template.yaml"), "description: d\nfiles:\n  - path: b.txt\n");
    symlinkSync(outside, join(whole, "files"));
    await expect(renderTemplate(whole, ANSWERS, buildView(ANSWERS, "0"))).rejects.toThrow(/files is a symbolic link/);
    const missing = templateDir("description: d\nfiles:\n  - path: nope.txt\n", {});
    await expect(renderTemplate(missing, ANSWERS, buildView(ANSWERS, "0"))).rejects.toThrow(/nope\.txt: no such file/);
  });

  it("resolves --template as a folder, then as a built-in name; lists the built-in ones", async () => {
    expect(await resolveTemplate(MINI, "/")).toMatchObject({ name: "mini", path: MINI, builtin: false });
    expect(await resolveTemplate("test/fixtures/templates/mini", ROOT)).toMatchObject({ path: MINI });
    await expect(resolveTemplate("test/fixtures", ROOT)).rejects.toThrow(/no template\.yaml/);
    await expect(resolveTemplate("no-such-template", ROOT)).rejects.toThrow(UsageError);
    expect(builtinTemplatesDir()).toBe(join(ROOT, "templates"));
    expect(await listTemplates(join(ROOT, "test/fixtures/templates"))).toEqual([{ name: "mini", description: expect.stringMatching(/^Test fixture/), path: MINI }]);
  });
});

describe("init: writing the project", () => {
  it("plans each file as created or overwritten, and refuses links where a folder or a file goes", async () => {
    const root = temp();
    writeFileSync(join(root, "README.md"), "old");
    expect(await planWrites(root, ["README.md", "src/train.py"])).toEqual([
      { path: "README.md", action: "overwritten" },
      { path: "src/train.py", action: "created" },
    ]);
    const elsewhere = temp();
    symlinkSync(elsewhere, join(root, "infra"));
    await expect(planWrites(root, ["infra/pipeline.yaml"])).rejects.toThrow(/infra in the project is a symbolic link/);
    symlinkSync(join(elsewhere, "x"), join(root, "buildspec.yml"));
    await expect(planWrites(root, ["buildspec.yml"])).rejects.toThrow(/buildspec\.yml in the project is a symbolic link/);
    mkdirSync(join(root, "mlops.yaml"));
    await expect(planWrites(root, ["mlops.yaml"])).rejects.toThrow(/a folder/);
    await expect(planWrites(root, ["README.md/x"])).rejects.toThrow(/README\.md in the project is a file/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("writes atomically (no temporary file left), makes folders, overwrites only its own files", async () => {
    const root = temp();
    writeFileSync(join(root, "keep.txt"), "mine");
    writeFileSync(join(root, "README.md"), "old");
    chmodSync(join(root, "README.md"), 0o755);
    await writeProject(
      root,
      [
        { path: "README.md", text: "new" },
        { path: "src/deep/train.py", text: "print(1)\n" },
      ],
      { expectEmpty: false, shown: "p" },
    );
    expect(readFileSync(join(root, "README.md"), "utf8")).toBe("new");
    // A file replaced keeps its permissions.
    expect(statSync(join(root, "README.md")).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, "keep.txt"), "utf8")).toBe("mine");
    expect(readFileSync(join(root, "src/deep/train.py"), "utf8")).toBe("print(1)\n");
    expect(readdirSync(root).sort()).toEqual(["README.md", "keep.txt", "src"]);
    await expect(writeAtomic(join(root, "no-such-folder", "x"), "y")).rejects.toThrow();
    expect(readdirSync(root).sort()).toEqual(["README.md", "keep.txt", "src"]);
  });

  it("holds a lock while it writes: a second init into the folder is refused; one that expected it empty refuses what appeared meanwhile", async () => {
    const root = temp();
    writeFileSync(join(root, INIT_LOCK), "");
    await expect(writeProject(root, [{ path: "a.txt", text: "a" }], { expectEmpty: true, shown: "p" })).rejects.toThrow(/another mlops init is writing into p/);
    expect(readdirSync(root)).toEqual([INIT_LOCK]);
    unlinkSync(join(root, INIT_LOCK));
    writeFileSync(join(root, "theirs.txt"), "x");
    await expect(writeProject(root, [{ path: "a.txt", text: "a" }], { expectEmpty: true, shown: "p" })).rejects.toThrow(/p is no longer empty/);
    expect(readdirSync(root)).toEqual(["theirs.txt"]);
    // Folders several levels down are made one by one.
    await writeProject(join(root, "x", "y"), [{ path: "z/a.txt", text: "a" }], { expectEmpty: true, shown: "x/y" });
    expect(readFileSync(join(root, "x", "y", "z", "a.txt"), "utf8")).toBe("a");
    expect(readdirSync(join(root, "x", "y"))).toEqual(["z"]);
  });

  it("sees a missing folder, an empty one, a full one, and refuses a file given as the folder", async () => {
    const root = temp();
    expect(await projectFolder(join(root, "new"), "new")).toEqual({ exists: false, entries: [] });
    expect(await projectFolder(root, "r")).toEqual({ exists: true, entries: [] });
    writeFileSync(join(root, ".hidden"), "");
    expect((await projectFolder(root, "r")).entries).toEqual([".hidden"]);
    await expect(projectFolder(join(root, ".hidden"), ".hidden")).rejects.toThrow(/exists and is not a folder/);
  });
});
