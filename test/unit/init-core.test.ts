import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { buildView, checkChoice, checkMetricName, checkProjectName, checkThreshold, everyCombination, INIT_DEFAULTS, type InitAnswers } from "../../src/core/init-choices";
import { parseManifest, pathProblem, selectFiles, whenHolds } from "../../src/core/init-manifest";
import { orchestratorReason, recommendOrchestrator, WORKFLOW_TOUCHES } from "../../src/core/init-orchestrator";
import { CFN_YAML_TAGS, checkTemplateText, escapeFor, parseProblem, renderFiles, renderText } from "../../src/core/init-render";
import { MlopsError, UsageError } from "../../src/errors";

const ANSWERS: InitAnswers = { name: "churn", ...INIT_DEFAULTS };
const VIEW = buildView(ANSWERS, "1.2.3");

describe("init: the project's values and their rules", () => {
  it("takes names AWS accepts everywhere the project puts them, and refuses the rest naming --name and the rule", () => {
    for (const good of ["churn", "abc", "churn-model-2", "a".repeat(32)]) expect(checkProjectName(good)).toBe(good);
    expect(() => checkProjectName("Churn")).toThrow(/--name "Churn" must be lower case: .*S3 bucket names allow no upper-case letters/);
    expect(() => checkProjectName("a".repeat(33))).toThrow(/--name "a{33}" is 33 characters; the limit is 32/);
    expect(() => checkProjectName("../x")).toThrow(/--name "\.\.\/x" is a path, not a name/);
    expect(() => checkProjectName("a/b")).toThrow(UsageError);
    for (const bad of ["ab", "1churn", "churn-", "churn_model", "chürn", "churn.ml", ""]) expect(() => checkProjectName(bad), bad).toThrow(UsageError);
    // Prefixes S3 reserves: every bucket made from the name would start so.
    for (const reserved of ["xn--abc", "sthree-abc", "amzn-s3-demo-x"]) expect(() => checkProjectName(reserved), reserved).toThrow(/starts the way S3 reserves for its own names/);
    // A name taken from the folder says so, and how to choose another.
    expect(() => checkProjectName("My_Project", "the folder's name")).toThrow(/the project name "My_Project" \(the folder's name; give --name to choose another\)/);
  });

  it("checks the metric, the threshold and the closed choices, naming the flag", () => {
    expect(checkMetricName("f1_score")).toBe("f1_score");
    expect(() => checkMetricName("f1-score")).toThrow(/--metric "f1-score"/);
    expect(() => checkMetricName('a"b')).toThrow(UsageError);
    expect(checkThreshold("0.80")).toBe("0.8");
    expect(checkThreshold("-1")).toBe("-1");
    for (const bad of ["Infinity", "1e999", "0x10", "", "0.8; rm"]) expect(() => checkThreshold(bad), bad).toThrow(/--threshold/);
    expect(checkChoice("orchestrator", "airflow")).toBe("airflow");
    expect(() => checkChoice("strategy", "rolling")).toThrow(/--strategy "rolling" must be one of: canary, linear, blue-green, all-at-once/);
    expect(() => checkChoice("framework", "constructor")).toThrow(/--framework/);
  });

  it("builds the view of the contract: derived names and one boolean per choice value", () => {
    expect(VIEW).toMatchObject({
      name: "churn",
      group: "churn",
      buildPipeline: "churn-build",
      releasePipeline: "churn-release",
      stagingEndpoint: "churn-staging",
      prodEndpoint: "churn-prod",
      mlopsVersion: "1.2.3",
      threshold: "0.8",
      framework_sklearn: true,
      framework_xgboost: false,
      orchestrator_sagemaker_pipelines: true,
      orchestrator_step_functions: false,
      source_github: true,
      endpointType_async: false,
      strategy_blue_green: false,
      strategy_all_at_once: false,
      strategy_canary: true,
    });
  });
});

describe("init: every combination of the choices", () => {
  it("is 432 distinct answers, each keeping the other values", () => {
    const all = everyCombination(ANSWERS);
    expect(all).toHaveLength(3 * 3 * 3 * 4 * 4);
    expect(new Set(all.map((a) => JSON.stringify(a))).size).toBe(all.length);
    expect(all.every((a) => a.name === "churn" && a.metric === "accuracy")).toBe(true);
    expect(all).toContainEqual({ ...ANSWERS, framework: "pytorch", orchestrator: "airflow", source: "s3", endpointType: "batch", strategy: "all-at-once" });
  });
});

describe("init: the orchestrator follows what the workflow touches, with a reason", () => {
  it("only SageMaker jobs → SageMaker Pipelines; other AWS services → Step Functions; Airflow DAGs or systems outside AWS → Airflow", () => {
    expect(recommendOrchestrator("sagemaker-only").orchestrator).toBe("sagemaker-pipelines");
    expect(recommendOrchestrator("aws-services")).toMatchObject({ orchestrator: "step-functions", reason: expect.stringMatching(/Lambda, Glue/) });
    expect(recommendOrchestrator("external")).toMatchObject({ orchestrator: "airflow", reason: expect.stringMatching(/outside AWS/) });
    // Each answer gets a different orchestrator, and a reason that names it.
    const names = { "sagemaker-pipelines": "SageMaker Pipelines", "step-functions": "Step Functions", airflow: "Airflow" };
    expect(new Set(WORKFLOW_TOUCHES.map((t) => recommendOrchestrator(t).orchestrator)).size).toBe(3);
    for (const t of WORKFLOW_TOUCHES) {
      const { orchestrator, reason } = recommendOrchestrator(t);
      expect(reason.startsWith(names[orchestrator])).toBe(true);
      expect(orchestratorReason(orchestrator)).toBe(reason);
    }
  });
});

describe("init: the manifest, its paths and `when`", () => {
  it("refuses paths that are absolute, climb out, hold placeholders or write into .git", () => {
    expect(pathProblem("src/train.py")).toBeUndefined();
    expect(pathProblem(".gitignore")).toBeUndefined();
    expect(pathProblem("../x")).toMatch(/climbs out/);
    expect(pathProblem("a/../../x")).toMatch(/climbs out/);
    expect(pathProblem("/etc/passwd")).toMatch(/absolute/);
    expect(pathProblem("C:/x")).toMatch(/absolute/);
    expect(pathProblem("a\\..\\x")).toMatch(/backslash/);
    expect(pathProblem("a//b")).toMatch(/empty/);
    expect(pathProblem("./a")).toMatch(/"\."/);
    expect(pathProblem("{{name}}.py")).toMatch(/placeholder/);
    expect(pathProblem(".git/hooks/pre-commit")).toMatch(/\.git/);
    expect(pathProblem("a\nb")).toMatch(/control/);
  });

  it("checks the manifest strictly, naming the file and the key", () => {
    const ok = parseManifest({ description: "d", files: [{ path: "a.md" }, { path: "b.py", source: "b.x.py", when: { framework: ["sklearn"] } }] }, "t.yaml");
    expect(ok.files).toHaveLength(2);
    expect(() => parseManifest({ description: "d", files: [{ path: "../x" }] }, "t.yaml")).toThrow(/t\.yaml: files\.0\.path: "\.\.\/x" climbs out/);
    expect(() => parseManifest({ description: "d", files: [{ path: "a", source: "/etc/passwd" }] }, "t.yaml")).toThrow(/files\.0\.source/);
    expect(() => parseManifest({ description: "d", files: [{ path: "a", when: { orchestrator: ["stepfunctions"] } }] }, "t.yaml")).toThrow(/files\.0\.when\.orchestrator/);
    expect(() => parseManifest({ description: "d", files: [{ path: "a", when: { colour: ["red"] } }] }, "t.yaml")).toThrow(UsageError);
    expect(() => parseManifest({ description: "d", files: [{ path: "a", mode: 755 }] }, "t.yaml")).toThrow(UsageError);
    expect(() => parseManifest({ description: "two\nlines", files: [{ path: "a" }] }, "t.yaml")).toThrow(/description/);
    expect(() => parseManifest({ description: "d", files: [] }, "t.yaml")).toThrow(/files/);
  });

  it("`when`: every key listed must match one of its values", () => {
    expect(whenHolds(undefined, ANSWERS)).toBe(true);
    expect(whenHolds({ framework: ["sklearn", "xgboost"] }, ANSWERS)).toBe(true);
    expect(whenHolds({ framework: ["sklearn"], orchestrator: ["airflow"] }, ANSWERS)).toBe(false);
    expect(whenHolds({ framework: ["sklearn"], orchestrator: ["airflow"] }, { ...ANSWERS, orchestrator: "airflow" })).toBe(true);
  });

  it("selects the files for the answers, and refuses two files on one path (or a file where a folder goes)", () => {
    const manifest = parseManifest(
      {
        description: "d",
        files: [
          { path: "src/train.py", source: "src/train.sklearn.py", when: { framework: ["sklearn"] } },
          { path: "src/train.py", source: "src/train.pytorch.py", when: { framework: ["pytorch"] } },
          { path: "pipelines/pipeline.json", when: { orchestrator: ["sagemaker-pipelines"] } },
        ],
      },
      "t.yaml",
    );
    expect(selectFiles(manifest, { ...ANSWERS, framework: "pytorch" }, "t.yaml")).toEqual([
      { path: "src/train.py", source: "src/train.pytorch.py" },
      { path: "pipelines/pipeline.json", source: "pipelines/pipeline.json" },
    ]);
    expect(selectFiles(manifest, { ...ANSWERS, framework: "xgboost", orchestrator: "airflow" }, "t.yaml")).toEqual([]);
    const clash = parseManifest({ description: "d", files: [{ path: "README.md" }, { path: "readme.md", source: "x" }] }, "t.yaml");
    expect(() => selectFiles(clash, ANSWERS, "t.yaml")).toThrow(/two files go to README\.md and readme\.md/);
    const nested = parseManifest({ description: "d", files: [{ path: "src" }, { path: "src/a.py" }] }, "t.yaml");
    expect(() => selectFiles(nested, ANSWERS, "t.yaml")).toThrow(/src is a file, but src\/a\.py needs it to be a folder/);
  });
});

describe("init: rendering, escaping per format, and the parse check", () => {
  const nasty = 'say "hi"\nthen: {leave} \\ # not a comment\u2028 ---';
  const view = { ...VIEW, description: nasty };

  it("escapes values as JSON string contents in .json, .yaml, .yml and .py, and not at all elsewhere", () => {
    expect(escapeFor("a.json")(nasty)).toBe(JSON.stringify(nasty).slice(1, -1));
    expect(escapeFor("buildspec.YML")('a"b')).toBe('a\\"b');
    expect(escapeFor("src/train.py")("a\nb")).toBe("a\\nb");
    expect(escapeFor("README.md")('a"b&<c>')).toBe('a"b&<c>');
    expect(escapeFor(".gitignore")("a\nb")).toBe("a\nb");
  });

  it("a value with quotes and newlines renders to JSON and YAML (CloudFormation tags too) that parse back to the same value", () => {
    const json = renderText('{ "d": "{{description}}", "n": "{{name}}" }', view, "x.json");
    expect(JSON.parse(json)).toEqual({ d: nasty, n: "churn" });
    const yaml = renderText('Description: "{{description}}"\nName: !Sub "{{name}}-${AWS::Region}"\n', view, "x.yaml");
    expect(parseProblem("x.yaml", yaml)).toBeUndefined();
    expect(parseDocument(yaml, { customTags: CFN_YAML_TAGS }).toJS()).toEqual({ Description: nasty, Name: { "Fn::Sub": "churn-${AWS::Region}" } });
  });

  it("accepts CloudFormation's short tags in every form, and refuses unknown tags, bad YAML and bad JSON", () => {
    const cfn = "A: !Ref X\nB: !GetAtt R.Arn\nC: !Join [',', [a, !Ref Y]]\nD: !If\n  - C\n  - 1\n  - !Ref AWS::NoValue\nE: !Equals [a, b]\nF: !Select [0, !GetAZs '']\n";
    expect(parseProblem("infra/pipeline.yaml", cfn)).toBeUndefined();
    expect(parseProblem("x.yaml", "A: !Reff X\n")).toMatch(/!Reff/);
    expect(parseProblem("x.yml", "a: [1\n")).toMatch(/must be sufficiently indented and end with a \]/);
    expect(parseProblem("x.yml", "a: 1\na: 2\n")).toMatch(/unique|duplicate/i);
    expect(parseProblem("x.json", '{"a": }')).toMatch(/not valid JSON/);
    expect(parseProblem("README.md", "{{ not checked")).toBeUndefined();
  });

  it("refuses unescaped values, partials, new delimiters and names the view does not have", () => {
    expect(() => checkTemplateText("{{{name}}}", VIEW, "a.json")).toThrow(/a\.json.*\{\{\{name\}\}\} or \{\{&name\}\} is not allowed/);
    expect(() => checkTemplateText("{{&name}}", VIEW, "a.md")).toThrow(/not allowed/);
    expect(() => checkTemplateText("{{>other}}", VIEW, "a.md")).toThrow(/partials/);
    // New delimiters let a file keep a literal {{ (Airflow's Jinja macros); the same rules hold with them.
    expect(() => checkTemplateText("{{=<% %>=}}<%name%> {{ ds }}", VIEW, "dag.py")).not.toThrow();
    expect(renderText('{{=<% %>=}}NAME = "<%name%>"\nDATE = "{{ ds }}"\n', VIEW, "dag.py")).toBe('NAME = "churn"\nDATE = "{{ ds }}"\n');
    expect(() => checkTemplateText("{{=<% %>=}}<%{name}%>", VIEW, "a.md")).toThrow(/not allowed/);
    expect(() => checkTemplateText("{{=<% %>=}}<%nmae%>", VIEW, "a.md")).toThrow(/nmae/);
    expect(() => checkTemplateText("{{nmae}}", VIEW, "a.md")).toThrow(/\{\{nmae\}\} is not a value init knows/);
    expect(() => checkTemplateText("{{#framework_sklearn}}{{typo}}{{/framework_sklearn}}", VIEW, "a.md")).toThrow(/typo/);
    expect(() => checkTemplateText("{{#name}}", VIEW, "a.md")).toThrow(/template file a\.md/);
    expect(() => checkTemplateText("{{#strategy_canary}}x{{/strategy_canary}}{{^framework_pytorch}}{{name}}{{/framework_pytorch}}", VIEW, "a.md")).not.toThrow();
  });

  it("a file that does not parse once rendered is a broken template: exit 1, naming the file", () => {
    const files = [{ path: "ok.json", source: "ok.json", text: '{"n": "{{name}}"}' }, { path: "infra/bad.yaml", source: "infra/bad.yaml", text: "a: {{name}}: b\n" }];
    let error: unknown;
    try {
      renderFiles(files, VIEW);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MlopsError);
    expect(error).not.toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/the template is broken: infra\/bad\.yaml \(from files\/infra\/bad\.yaml\) does not parse/);
    expect(renderFiles([files[0]!], VIEW)).toEqual([{ path: "ok.json", text: '{"n": "churn"}' }]);
  });
});
