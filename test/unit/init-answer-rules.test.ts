import { describe, expect, it } from "vitest";
import { MlopsError, UsageError } from "../../src/errors";
import { buildView, checkProjectName, checkRegion, INIT_DEFAULTS, type InitAnswers } from "../../src/core/init-choices";
import { parseManifest, pathProblem, selectFiles } from "../../src/core/init-manifest";
import { checkTemplateText, parseProblem, renderFiles } from "../../src/core/init-render";

/**
 * `mlops init`: the project name's rules (S3 bucket naming rules: 3-63 characters, lower case,
 * reserved prefixes xn--, sthree-, amzn-s3-demo-), the region, the view the templates see, the
 * template's file paths and manifest, and what a template may use.
 */

/** The error a call throws (fails the test when it does not throw). */
function thrown(call: () => unknown): MlopsError {
  try {
    call();
  } catch (error) {
    return error as MlopsError;
  }
  throw new Error("expected a throw");
}

describe("project names", () => {
  it.each([
    ["", "--name is empty: give the project a name"],
    [".", '--name "." is a path, not a name: it may hold only lower-case letters, digits and hyphens'],
    ["..", '--name ".." is a path, not a name: it may hold only lower-case letters, digits and hyphens'],
    ["a/b", '--name "a/b" is a path, not a name: it may hold only lower-case letters, digits and hyphens'],
    ["a..b", '--name "a..b" is a path, not a name: it may hold only lower-case letters, digits and hyphens'],
    ["a", '--name "a" is 1 character; a name needs at least 3 (S3 bucket names do)'],
    ["ab", '--name "ab" is 2 characters; a name needs at least 3 (S3 bucket names do)'],
    [
      "a".repeat(33),
      `--name "${"a".repeat(33)}" is 33 characters; the limit is 32, so that the names made from it (such as aaaaaaaa…-release and S3 bucket names, at most 63 characters) stay within AWS's limits`,
    ],
    ["xn--abc", '--name "xn--abc" starts the way S3 reserves for its own names (xn--): bucket names such as xn--abc-data would be refused'],
    ["sthree-abc", '--name "sthree-abc" starts the way S3 reserves for its own names (sthree-): bucket names such as sthree-abc-data would be refused'],
  ])("%j: %s", (name, message) => {
    const error = thrown(() => checkProjectName(name));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(message);
  });

  it("a dot that is not a whole path is not a path: the name rule refuses it", () => {
    for (const name of ["abc.", ".abc"]) {
      const error = thrown(() => checkProjectName(name));
      expect(error.message).toBe(`--name "${name}" may hold only lower-case letters, digits and hyphens, start with a letter and not end with a hyphen: it goes into S3 bucket names, CloudFormation stack names and SageMaker names`);
      expect(error.hint).toBe("pattern ^[a-z][a-z0-9-]{1,30}[a-z0-9]$");
    }
  });

  it("upper case is refused with the lower-case name as the hint", () => {
    const error = thrown(() => checkProjectName("Churn-Model", "the directory's name"));
    expect(error.message).toBe('the project name "Churn-Model" (the directory\'s name; give --name to choose another) must be lower case: it goes into S3 bucket names, CloudFormation stack names and SageMaker names, and S3 bucket names allow no upper-case letters');
    expect(error.hint).toBe("try churn-model");
  });

  it("3 and 32 characters are taken", () => {
    expect(checkProjectName("abc")).toBe("abc");
    expect(checkProjectName(`a${"b".repeat(31)}`)).toBe(`a${"b".repeat(31)}`);
  });
});

describe("regions", () => {
  it("an AWS region is taken; anything else names where it came from", () => {
    expect(checkRegion("eu-west-1")).toBe("eu-west-1");
    expect(checkRegion("us-gov-west-1", "AWS_REGION")).toBe("us-gov-west-1");
    expect(thrown(() => checkRegion("mars"))).toEqual(new UsageError('--region "mars" must be an AWS region such as us-east-1'));
    expect(thrown(() => checkRegion("Europe", "AWS_REGION")).message).toBe('AWS_REGION "Europe" must be an AWS region such as us-east-1');
  });
});

describe("the view", () => {
  it("holds the answers, the names made from them and one boolean per choice value, true for the chosen one only", () => {
    const answers: InitAnswers = { ...INIT_DEFAULTS, name: "churn", framework: "xgboost", orchestrator: "airflow", source: "s3", endpointType: "batch", strategy: "all-at-once" };
    expect(buildView(answers, "1.2.3")).toEqual({
      ...answers,
      group: "churn",
      buildPipeline: "churn-build",
      releasePipeline: "churn-release",
      stagingEndpoint: "churn-staging",
      prodEndpoint: "churn-prod",
      mlopsVersion: "1.2.3",
      framework_sklearn: false,
      framework_xgboost: true,
      framework_pytorch: false,
      orchestrator_sagemaker_pipelines: false,
      orchestrator_step_functions: false,
      orchestrator_airflow: true,
      source_github: false,
      source_codeconnections: false,
      source_s3: true,
      endpointType_realtime: false,
      endpointType_serverless: false,
      endpointType_async: false,
      endpointType_batch: true,
      strategy_canary: false,
      strategy_linear: false,
      strategy_blue_green: false,
      strategy_all_at_once: true,
    });
  });
});

describe("template file paths", () => {
  it.each([
    ["", "is empty"],
    ["a".repeat(1025), "is longer than 1024 characters"],
    ["c:x", "is absolute: paths are relative to the project"],
    ["a{{b", "holds a placeholder: paths are plain (use `when` to choose files)"],
    ["a}}b", "holds a placeholder: paths are plain (use `when` to choose files)"],
  ])("%j %s", (path, problem) => {
    expect(pathProblem(path)).toBe(problem);
  });

  it.each(["a".repeat(1024), "dir/c:x", "a{b}"])("%j is a safe path", (path) => {
    expect(pathProblem(path)).toBeUndefined();
  });

  it("a manifest problem names the file and the key path, and where the layout is described", () => {
    const error = thrown(() => parseManifest({ description: "d", files: [] }, "template.yaml"));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^template\.yaml: files: /);
    expect(error.hint).toBe("see `mlops init --help` and the README (### mlops init, --template) for the layout");
  });

  it("the same path twice is named once; paths differing in case are both named", () => {
    const answers = { framework: "sklearn", orchestrator: "airflow", source: "s3", endpointType: "batch", strategy: "linear" } as const;
    const twice = { description: "d", files: [{ path: "a.txt" }, { path: "a.txt" }] };
    expect(thrown(() => selectFiles(twice, answers, "template.yaml")).message).toBe("template.yaml: two files go to a.txt for these choices: make their `when` exclusive");
    const cased = { description: "d", files: [{ path: "a.txt" }, { path: "A.txt" }] };
    expect(thrown(() => selectFiles(cased, answers, "template.yaml")).message).toBe("template.yaml: two files go to a.txt and A.txt for these choices: make their `when` exclusive");
  });
});

describe("what a template may use", () => {
  const view = { name: "churn", on: true };

  it.each([
    ["{{#nope}}x{{/nope}}", "template file f.txt, at character 0: {{#nope}} is not a value init knows"],
    ["{{^nope}}x{{/nope}}", "template file f.txt, at character 0: {{^nope}} is not a value init knows"],
    ["ab{{nope}}", "template file f.txt, at character 2: {{nope}} is not a value init knows"],
    ["{{^on}}{{nope}}{{/on}}", "template file f.txt, at character 7: {{nope}} is not a value init knows"],
    ["{{#on}}{{nope}}{{/on}}", "template file f.txt, at character 7: {{nope}} is not a value init knows"],
  ])("%j: %s, listing the known values", (text, message) => {
    const error = thrown(() => checkTemplateText(text, view, "f.txt"));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(message);
    expect(error.hint).toBe("known: name, on");
  });

  it("names and sections the view has are fine", () => {
    expect(() => checkTemplateText("{{name}} {{#on}}{{name}}{{/on}}{{^on}}off{{/on}}", view, "f.txt")).not.toThrow();
  });

  it("a YAML file with a key twice does not parse (CloudFormation refuses duplicate keys)", () => {
    expect(parseProblem("t.yaml", "a: 1\na: 2\n")).toMatch(/Map keys must be unique/);
    expect(parseProblem("t.yaml", "a: 1\nb: 2\n")).toBeUndefined();
  });

  it("a YAML problem is one line (it is shown after the file's name), without the source excerpt", () => {
    const problem = parseProblem("t.yaml", "a: [1, 2\nb: 3\n");
    expect(problem).toMatch(/^\S/);
    expect(problem).not.toContain("\n");
  });

  it("a file that does not parse once rendered is a broken template: nothing is written", () => {
    const error = thrown(() => renderFiles([{ path: "p.json", source: "p.json", text: '{"name": {{name}}}' }], view));
    expect(error).toBeInstanceOf(MlopsError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/^the template is broken: p\.json \(from files\/p\.json\) does not parse once rendered: /);
    expect(error.hint).toBe("nothing was written; fix the template file");
  });
});
