/**
 * The built-in template (templates/default): every combination of choices renders, every file
 * parses, and each file passes the tool that judges it — cfn-lint for the CloudFormation,
 * checkDefinition (`mlops pipeline upsert --dry-run`'s checks) for the SageMaker pipeline, the
 * Amazon States Language's own rules for the state machine, CodeBuild's buildspec keys,
 * `python3 -m py_compile`, mlops's config schema — and the IAM policies keep `*` resources off
 * SageMaker, CodePipeline and S3 actions. One cfn-lint and one python3 run for all files.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join } from "node:path";
import Mustache from "mustache";
import { parse as parseYaml, parseDocument } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreatePipelineCommand,
  DescribeModelPackageCommand,
  DescribePipelineExecutionCommand,
  ListModelPackagesCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from "@aws-sdk/client-sagemaker";
import { checkDefinition } from "../../src/core/pipeline-definition";
import { parseConfigText } from "../../src/config/load";
import { ROOT } from "../helpers/cli";
import { sdkConfig, useSandbox } from "../helpers/sandbox";

const TEMPLATE = join(ROOT, "templates/default");

// --- The contract's rendering (brief-13-contract.md); the engine's own replaces this later. ------
const CHOICES = {
  framework: ["sklearn", "xgboost", "pytorch"],
  orchestrator: ["sagemaker-pipelines", "step-functions", "airflow"],
  source: ["github", "codeconnections", "s3"],
  endpointType: ["realtime", "serverless", "async", "batch"],
  strategy: ["canary", "linear", "blue-green", "all-at-once"],
} as const;
type Choice = keyof typeof CHOICES;
type Choices = Record<Choice, string>;
interface ManifestFile { path: string; source?: string; when?: Partial<Record<Choice, string[]>> }

function viewFor(choices: Choices, name = "churn"): Record<string, string | boolean> {
  const view: Record<string, string | boolean> = {
    name, region: "us-east-1", metric: "accuracy", threshold: "0.8", group: name, buildPipeline: `${name}-build`,
    releasePipeline: `${name}-release`, stagingEndpoint: `${name}-staging`, prodEndpoint: `${name}-prod`, mlopsVersion: "0.1.0", ...choices,
  };
  for (const [choice, values] of Object.entries(CHOICES)) for (const v of values) view[`${choice}_${v.replace(/-/g, "_")}`] = choices[choice as Choice] === v;
  return view;
}
const escapeFor = (path: string) => ([".json", ".yaml", ".yml", ".py"].includes(extname(path)) ? (v: unknown) => JSON.stringify(String(v)).slice(1, -1) : (v: unknown) => String(v));

const MANIFEST = parseYaml(readFileSync(join(TEMPLATE, "template.yaml"), "utf8")) as { description: string; files: ManifestFile[] };
const manifest = () => MANIFEST;
const sourceText = (file: ManifestFile) => readFileSync(join(TEMPLATE, "files", file.source ?? file.path), "utf8");
const applies = (file: ManifestFile, choices: Choices) => Object.entries(file.when ?? {}).every(([k, vs]) => vs!.includes(choices[k as Choice]));

function render(choices: Choices, view = viewFor(choices)): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of manifest().files.filter((f) => applies(f, choices))) {
    out.set(file.path, Mustache.render(sourceText(file), view, {}, { escape: escapeFor(file.path) }));
  }
  return out;
}
// ---------------------------------------------------------------------------------------------------

/** Every combination of the choices (3·3·3·4·4 = 432). */
function combinations(): Choices[] {
  let all: Array<Partial<Choices>> = [{}];
  for (const [choice, values] of Object.entries(CHOICES)) all = all.flatMap((c) => values.map((v) => ({ ...c, [choice]: v })));
  return all as Choices[];
}

/** CloudFormation's short-form tags, read as their long forms. */
const CFN_FUNCTIONS = ["Ref", "Condition", "Sub", "GetAtt", "Join", "Select", "Split", "If", "Equals", "Not", "And", "Or", "FindInMap", "Base64", "Cidr", "ImportValue", "GetAZs", "Transform"];
const customTags = CFN_FUNCTIONS.flatMap((fn) => {
  const key = fn === "Ref" || fn === "Condition" ? fn : `Fn::${fn}`;
  return [
    { tag: `!${fn}`, resolve: (v: string) => ({ [key]: fn === "GetAtt" ? v.split(".") : v }) },
    { tag: `!${fn}`, collection: "seq" as const, resolve: (seq: any) => ({ [key]: seq.toJSON() }) },
    { tag: `!${fn}`, collection: "map" as const, resolve: (map: any) => ({ [key]: map.toJSON() }) },
  ];
});
function parseCfn(text: string): any {
  const doc = parseDocument(text, { customTags: customTags as any });
  if (doc.errors.length > 0) throw doc.errors[0];
  return doc.toJS();
}

/** Every distinct rendered content of each path, with one combination that makes it. */
const distinct = new Map<string, Map<string, Choices>>();
beforeAll(() => {
  for (const choices of combinations()) {
    for (const [path, text] of render(choices)) {
      if (!distinct.has(path)) distinct.set(path, new Map());
      if (!distinct.get(path)!.has(text)) distinct.get(path)!.set(text, choices);
    }
  }
});
/**
 * cfn-lint on every distinct infra/pipeline.yaml, started once the renders exist and awaited by its
 * test: it is the slowest check (seconds per file), so it runs while the others do.
 */
let cfnLint: Promise<{ code: number; stdout: string; stderr: string; error?: Error }>;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "mlops-templates-cfn-"));
  const files = contents("infra/pipeline.yaml").map(([text], i) => {
    const file = join(dir, `pipeline-${i}.yaml`);
    writeFileSync(file, text);
    return file;
  });
  cfnLint = new Promise((done) => {
    const child = spawn("cfn-lint", ["--format", "parseable", ...files]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => done({ code: -1, stdout, stderr, error }));
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });
});
const contents = (path: string) => [...(distinct.get(path)?.entries() ?? [])];
const where = (choices: Choices) => Object.values(choices).join("/");

describe("templates/default", () => {
  it("has a valid manifest: a description, relative paths, sources that exist, when keys that are choices", () => {
    const m = manifest();
    expect(typeof m.description).toBe("string");
    for (const file of m.files) {
      expect(file.path).not.toMatch(/^\/|(^|\/)\.\.(\/|$)|\{\{/);
      expect(() => readFileSync(join(TEMPLATE, "files", file.source ?? file.path))).not.toThrow();
      for (const [k, vs] of Object.entries(file.when ?? {})) for (const v of vs!) expect((CHOICES as Record<string, readonly string[]>)[k]).toContain(v);
    }
  });

  it("renders every combination, each with one file per path and the workflow of its orchestrator", () => {
    const expected = { "sagemaker-pipelines": "pipelines/pipeline.json", "step-functions": "pipelines/state-machine.asl.json", airflow: "dags/training_pipeline.py" };
    for (const choices of combinations()) {
      const files = manifest().files.filter((f) => applies(f, choices)).map((f) => f.path);
      expect(new Set(files).size, where(choices)).toBe(files.length);
      expect(files).toContain(expected[choices.orchestrator as keyof typeof expected]);
      for (const path of ["mlops.yaml", "README.md", ".gitignore", "src/preprocess.py", "src/train.py", "src/evaluate.py", "buildspec.yml", "buildspec-deploy.yml", "infra/pipeline.yaml"]) expect(files).toContain(path);
    }
  });

  it("uses only view keys the contract defines, and never {{{…}}} or {{&…}}", () => {
    const keys = new Set(Object.keys(viewFor({ framework: "sklearn", orchestrator: "airflow", source: "s3", endpointType: "batch", strategy: "linear" })));
    const names = (tokens: any[]): string[] => tokens.flatMap((t) => [...(["name", "#", "^", "&"].includes(t[0]) ? [t[1]] : []), ...(Array.isArray(t[4]) ? names(t[4]) : [])]);
    for (const file of manifest().files) {
      const text = readFileSync(join(TEMPLATE, "files", file.source ?? file.path), "utf8");
      expect(text, file.path).not.toMatch(/\{\{\{|\{\{&|\{\{>|\{\{=/);
      for (const name of names(Mustache.parse(text))) expect(keys.has(name), `${file.path}: {{${name}}}`).toBe(true);
    }
  });

  it("renders JSON and YAML that parse, escaping what the user typed (quotes, backslashes, newlines)", () => {
    for (const [path] of distinct) {
      for (const [text, choices] of contents(path)) {
        if (path.endsWith(".json")) expect(() => JSON.parse(text), `${path} (${where(choices)})`).not.toThrow();
        if (/\.ya?ml$/.test(path)) expect(() => parseCfn(text), `${path} (${where(choices)})`).not.toThrow();
      }
    }
    // A hostile value in a free-text key still parses (the engine validates names; this is the escape's job).
    const choices: Choices = { framework: "pytorch", orchestrator: "step-functions", source: "s3", endpointType: "async", strategy: "canary" };
    const nasty = { ...viewFor(choices), metric: 'acc"uracy\\\n: x', region: "us-east-1\"\n" };
    for (const [path, text] of render(choices, nasty)) {
      if (path.endsWith(".json")) expect(() => JSON.parse(text), path).not.toThrow();
      if (/\.ya?ml$/.test(path)) expect(() => parseCfn(text), path).not.toThrow();
    }
  });

  it("writes an mlops.yaml that loads with today's schema, for every combination", async () => {
    for (const [text, choices] of contents("mlops.yaml")) {
      const config = await parseConfigText(text, `mlops.yaml (${where(choices)})`);
      expect(config.region).toBe("us-east-1");
      expect(config.release?.pipeline).toBe("churn-release");
      expect(config.deploy?.strategy).toBe(choices.strategy);
      if (choices.orchestrator === "sagemaker-pipelines") expect(config.pipeline).toEqual({ name: "churn-build", file: "pipelines/pipeline.json" });
      if (choices.endpointType === "batch") expect(config.batch?.instanceType).toBe("ml.m5.large");
      else expect(config.endpoint?.type).toBe(choices.endpointType);
    }
  });

  it("writes a SageMaker pipeline that passes mlops pipeline upsert's checks, for every framework", () => {
    const all = contents("pipelines/pipeline.json");
    expect(new Set(all.map(([, c]) => c.framework))).toEqual(new Set(CHOICES.framework));
    for (const [text, choices] of all) {
      const checked = checkDefinition(JSON.parse(text));
      expect(checked.problems, where(choices)).toEqual([]);
      expect(checked.parameters.map((p) => `${p.name}:${p.type}`)).toEqual([
        "InputDataUrl:String", "ArtifactsUrl:String", "SageMakerRoleArn:String", "ProcessingInstanceType:String",
        "TrainingInstanceType:String", "MetricThreshold:Float", "ModelApprovalStatus:String",
      ]);
      expect(checked.parameters.find((p) => p.name === "MetricThreshold")?.defaultValue).toBe(0.8);
      expect(checked.parameters.find((p) => p.name === "ModelApprovalStatus")?.defaultValue).toBe("PendingManualApproval");
      expect(checked.steps.map((s) => `${s.name}:${s.type}`)).toEqual(["Preprocess:Processing", "Train:Training", "Evaluate:Processing", "CheckMetric:Condition", "RegisterModel:RegisterModel", "MetricBelowThreshold:Fail"]);
      const definition = JSON.parse(text);
      expect(definition.Steps[3].Arguments.Conditions[0].LeftValue["Std:JsonGet"].Path).toBe("metrics.accuracy.value");
      const image = definition.Steps[1].Arguments.AlgorithmSpecification.TrainingImage as string;
      expect(image).toMatch({ sklearn: /sagemaker-scikit-learn:1\.2-1-cpu-py3$/, xgboost: /sagemaker-xgboost:1\.7-1$/, pytorch: /pytorch-training:2\.1\.0-cpu-py310$/ }[choices.framework]!);
      expect(image).toMatch(/^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\//);
    }
  });

  it("writes a state machine whose StartAt, Next and Default all name states, with .sync SageMaker jobs and a Choice", () => {
    for (const [text, choices] of contents("pipelines/state-machine.asl.json")) {
      const asl = JSON.parse(text);
      const states = asl.States as Record<string, any>;
      expect(Object.keys(states), where(choices)).toContain(asl.StartAt);
      const targets: string[] = [];
      for (const state of Object.values(states)) {
        if (state.Next) targets.push(state.Next);
        if (state.Default) targets.push(state.Default);
        for (const choice of state.Choices ?? []) targets.push(choice.Next);
        for (const c of state.Catch ?? []) targets.push(c.Next);
        if (!["Choice", "Succeed", "Fail"].includes(state.Type)) expect(Boolean(state.Next) !== Boolean(state.End)).toBe(true);
      }
      for (const target of targets) expect(Object.keys(states)).toContain(target);
      const resources = Object.values(states).map((s) => s.Resource).filter(Boolean);
      expect(resources).toEqual(expect.arrayContaining(["arn:aws:states:::sagemaker:createProcessingJob.sync", "arn:aws:states:::sagemaker:createTrainingJob.sync", "arn:aws:states:::aws-sdk:sagemaker:createModelPackage"]));
      expect(Object.values(states).map((s) => s.Type)).toEqual(expect.arrayContaining(["Choice", "Fail"]));
      // Every state is reachable from StartAt.
      const seen = new Set<string>();
      const visit = (name: string) => {
        if (seen.has(name)) return;
        seen.add(name);
        const s = states[name];
        [s.Next, s.Default, ...(s.Choices ?? []).map((c: any) => c.Next)].filter(Boolean).forEach(visit);
      };
      visit(asl.StartAt);
      expect([...seen].sort()).toEqual(Object.keys(states).sort());
    }
  });

  it("writes buildspecs of version 0.2 with only CodeBuild's keys and phases, calling mlops as the README says", () => {
    const TOP = ["version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"];
    const PHASES = ["install", "pre_build", "build", "post_build"];
    for (const path of ["buildspec.yml", "buildspec-deploy.yml"]) {
      for (const [text, choices] of contents(path)) {
        const spec = parseYaml(text);
        expect(spec.version, `${path} (${where(choices)})`).toBe(0.2);
        for (const key of Object.keys(spec)) expect(TOP).toContain(key);
        for (const key of Object.keys(spec.phases)) expect(PHASES).toContain(key);
        for (const phase of Object.values(spec.phases) as any[]) for (const command of phase.commands) expect(typeof command).toBe("string");
        const commands = (Object.values(spec.phases) as any[]).flatMap((p) => p.commands).join("\n");
        expect(commands).toContain('npm install -g "mlops@${MLOPS_VERSION}"');
        expect(spec.env.variables.MLOPS_VERSION).toBe("0.1.0");
        if (path === "buildspec.yml" && choices.orchestrator === "sagemaker-pipelines") {
          expect(commands).toMatch(/mlops pipeline upsert --file pipelines\/pipeline\.json/);
          expect(commands).toMatch(/mlops pipeline start --wait .*--output-env pipeline\.env/);
        }
        if (path === "buildspec-deploy.yml") expect(commands.includes("--async-output"), where(choices)).toBe(choices.endpointType === "async");
        if (path === "buildspec-deploy.yml" && choices.endpointType !== "batch") {
          expect(commands).toContain(`mlops deploy --endpoint "$MLOPS_ENDPOINT" --model-package "churn@latest-approved" --strategy "${choices.strategy}" --auto-alarms`);
          expect(commands).toMatch(/--json --output-env deploy\.env/);
          expect(spec.env["exported-variables"]).toEqual(["ENDPOINT_NAME", "ENDPOINT_CONFIG", "DEPLOY_OUTCOME"]);
        }
      }
    }
  });

  it("writes an Airflow DAG with the Amazon provider's SageMaker operators and a branch on the metric", () => {
    for (const [text, choices] of contents("dags/training_pipeline.py")) {
      for (const operator of ["SageMakerProcessingOperator", "SageMakerTrainingOperator", "SageMakerRegisterModelVersionOperator", "BranchPythonOperator"]) expect(text, where(choices)).toMatch(new RegExp(`\\b${operator}\\(|${operator}\\)`));
      expect(text).toContain("from airflow.providers.amazon.aws.operators.sagemaker import");
      expect(text).toContain('return "register_model" if value >= THRESHOLD else "metric_below_threshold"');
      expect(text).toContain("preprocess >> train >> evaluate >> check_metric >> [register_model, metric_below_threshold]");
      // Airflow's own templates are built at run time: a literal double brace would be mustache's.
      expect(text).not.toContain("{{");
    }
  });

  it("compiles every Python file (one python3 -m py_compile for all)", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlops-templates-py-"));
    const files: string[] = [];
    for (const [path] of distinct) {
      if (!path.endsWith(".py")) continue;
      contents(path).forEach(([text], i) => {
        const file = join(dir, String(i), path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
        files.push(file);
      });
    }
    expect(files.length).toBeGreaterThanOrEqual(8);
    execFileSync("python3", ["-m", "py_compile", ...files], { stdio: "pipe" });
  });

  it("writes CloudFormation that cfn-lint passes with no error, for every distinct content (one cfn-lint run)", async () => {
    // source (connection or S3) × orchestrator (the build role) × batch or not (the approval's text): 12.
    expect(contents("infra/pipeline.yaml").length).toBeGreaterThanOrEqual(12);
    const run = await cfnLint;
    expect(run.error).toBeUndefined();
    // parseable: file:line:col:line:col:RULE:message; E rules are errors, W and I are not.
    const errors = `${run.stdout}${run.stderr}`.split("\n").filter((l) => /:E\d{4}:/.test(l));
    expect(errors).toEqual([]);
    // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational; 1 or 32 is cfn-lint failing to run.
    expect(run.code & (1 | 2 | 32), run.stderr).toBe(0);
  }, 60_000);

  it("keeps * resources to actions AWS authorizes on no resource type, and SageMaker, CodePipeline, S3 actions on narrow ARNs", () => {
    // Which resource types each action can be authorized on: the Service Authorization Reference,
    // as cfn-lint ships it (data/AdditionalSpecs/Policies.json: {service: {Actions: {action: {Resources}}}}).
    const cfnlint = execFileSync("python3", ["-c", "import cfnlint, os; print(os.path.dirname(cfnlint.__file__))"], { encoding: "utf8" }).trim();
    const reference = JSON.parse(readFileSync(join(cfnlint, "data/AdditionalSpecs/Policies.json"), "utf8")) as Record<string, { Actions: Record<string, { Resources?: string[] }> }>;
    const resourceTypes = (action: string) => {
      const [service, name] = action.toLowerCase().split(":");
      const entry = reference[service!]?.Actions[name!];
      expect(entry, `${action} is not in the Service Authorization Reference`).toBeDefined();
      return entry!.Resources ?? [];
    };
    /** A list call names no single resource: authorized on the whole resource type (model-package/*). */
    const TYPE_WIDE = new Set(["sagemaker:ListModelPackages"]);
    const text = (resource: unknown) => (typeof resource === "string" ? resource : (resource as any)?.["Fn::Sub"] ?? JSON.stringify(resource));
    const plain = (resource: unknown) => text(resource).replace(/\$\{AWS::(Partition|Region|AccountId)\}/g, "x");
    const serviceWide = (r: string) => /^arn:[^:]+:s3:::\*$/.test(r) || /^arn:[^:]+:(sagemaker|codepipeline):[^:]*:[^:]*:\*$/.test(r);
    const typeWide = (r: string) => /^arn:[^:]+:sagemaker:[^:]*:[^:]*:[a-z-]+\/\*$/.test(r);
    expect(["arn:aws:s3:::*", "arn:x:codepipeline:x:x:*"].every(serviceWide) && typeWide("arn:x:sagemaker:x:x:model-package/*") && !typeWide("arn:x:sagemaker:x:x:model-package/churn/*")).toBe(true);
    let statements = 0;
    for (const [template, choices] of contents("infra/pipeline.yaml")) {
      for (const [id, resource] of Object.entries(parseCfn(template).Resources) as Array<[string, any]>) {
        if (resource.Type !== "AWS::IAM::Role") continue;
        for (const statement of (resource.Properties.Policies ?? []).flatMap((p: any) => [p.PolicyDocument.Statement].flat())) {
          statements++;
          const at = `${id} ${statement.Sid} (${where(choices)})`;
          const actions = [statement.Action].flat() as string[];
          const resources = [statement.Resource].flat().map(plain);
          expect(statement.Effect, at).toBe("Allow");
          expect(actions.filter((a) => a.includes("*")), at).toEqual([]);
          const guarded = actions.filter((a) => /^(sagemaker|codepipeline|s3):/.test(a));
          if (resources.includes("*")) expect(actions.filter((a) => resourceTypes(a).length > 0), `${at}: "*" where AWS has a narrower ARN`).toEqual([]);
          if (resources.some(serviceWide)) expect(guarded, at).toEqual([]);
          if (resources.some(typeWide)) expect(guarded.filter((a) => !TYPE_WIDE.has(a)), at).toEqual([]);
        }
      }
    }
    expect(statements).toBeGreaterThan(20);
  });
});

describe("templates/default: the SageMaker pipeline runs on the sandbox", () => {
  const sandbox = useSandbox();
  const sm = () => new SageMakerClient(sdkConfig(sandbox.current, { maxAttempts: 1 }));
  const s3 = () => new S3Client(sdkConfig(sandbox.current, { maxAttempts: 1, forcePathStyle: true }));
  const token = (n: string) => `mlops-templates-${n}-`.padEnd(32, "x");
  /** Sandbox time for Preprocess, Train, Evaluate, CheckMetric and the last step: 5+120, 5+300, 5+120, 1+1, 1+5 s. */
  const WHOLE_RUN_MS = 600_000;

  /**
   * The rendered definition, created as `mlops pipeline upsert` would; evaluation.json put where
   * the Evaluate step writes it with the pipeline's defaults (ArtifactsUrl/evaluation); one run.
   */
  async function run(accuracy: number) {
    const definition = render({ framework: "xgboost", orchestrator: "sagemaker-pipelines", source: "github", endpointType: "realtime", strategy: "canary" }).get("pipelines/pipeline.json")!;
    const defaults = Object.fromEntries(JSON.parse(definition).Parameters.map((p: any) => [p.Name, p.DefaultValue]));
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(defaults.ArtifactsUrl)!;
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/evaluation/evaluation.json`, Body: JSON.stringify({ metrics: { accuracy: { value: accuracy }, f1: { value: 0.5 } } }) }));
    await sm().send(new CreatePipelineCommand({ PipelineName: "churn-build", PipelineDefinition: definition, RoleArn: defaults.SageMakerRoleArn, ClientRequestToken: token("create") }));
    const { PipelineExecutionArn: arn } = await sm().send(new StartPipelineExecutionCommand({ PipelineName: "churn-build", ClientRequestToken: token("start") }));
    sandbox.current.clock.advance(WHOLE_RUN_MS);
    const execution = await sm().send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    const { PipelineExecutionSteps: steps } = await sm().send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, SortOrder: "Ascending" }));
    return { execution, steps: steps! };
  }

  it("registers a PendingManualApproval version in the group when accuracy is above the threshold", async () => {
    const { execution, steps } = await run(0.93);
    expect(steps.map((s) => [s.StepName, s.StepStatus, s.FailureReason])).toEqual([
      ["Preprocess", "Succeeded", undefined],
      ["Train", "Succeeded", undefined],
      ["Evaluate", "Succeeded", undefined],
      ["CheckMetric", "Succeeded", undefined],
      ["RegisterModel", "Succeeded", undefined],
    ]);
    expect(execution.PipelineExecutionStatus).toBe("Succeeded");
    const packageArn = steps[4]!.Metadata?.RegisterModel?.Arn;
    expect(packageArn).toBe("arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/1");
    const pkg = await sm().send(new DescribeModelPackageCommand({ ModelPackageName: packageArn }));
    expect(pkg.ModelApprovalStatus).toBe("PendingManualApproval");
    const container = pkg.InferenceSpecification!.Containers![0]!;
    expect(container.Image).toBe("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1");
    expect(container.ModelDataUrl).toMatch(/^s3:\/\/churn-data\/pipeline\/model\/pipelines-[a-z0-9]+-train-[a-z0-9]+\/output\/model\.tar\.gz$/);
    expect(container.Environment).toMatchObject({ SAGEMAKER_PROGRAM: "train.py", SAGEMAKER_SUBMIT_DIRECTORY: "s3://churn-data/pipeline/code/sourcedir.tar.gz" });
    expect(pkg.ModelMetrics?.ModelQuality?.Statistics?.S3Uri).toBe("s3://churn-data/pipeline/evaluation/evaluation.json");
  });

  it("ends in the Fail step, naming the metric and threshold, and registers nothing when accuracy is below", async () => {
    const { execution, steps } = await run(0.7);
    expect(execution.PipelineExecutionStatus).toBe("Failed");
    expect(steps.at(-1)).toMatchObject({ StepName: "MetricBelowThreshold", StepStatus: "Failed", FailureReason: "accuracy is below the threshold of 0.8" });
    expect(steps.find((s) => s.StepName === "CheckMetric")?.Metadata?.Condition?.Outcome).toBe("False");
    expect((await sm().send(new ListModelPackagesCommand({ ModelPackageType: "Versioned" }))).ModelPackageSummaryList).toEqual([]);
  });
});
