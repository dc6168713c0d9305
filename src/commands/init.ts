import { basename, relative, resolve } from "node:path";
import type { ChalkInstance } from "chalk";
import type { Context } from "../context";
import type { InitEndpointType } from "../core/choices";
import { buildView, checkChoice, checkMetricName, checkProjectName, checkRegion, checkThreshold, INIT_CHOICES, INIT_DEFAULTS, type ChoiceKey, type InitAnswers } from "../core/init-choices";
import { orchestratorReason, recommendOrchestrator, TOUCHES_TEXT, WORKFLOW_TOUCHES } from "../core/init-orchestrator";
import { UsageError } from "../errors";
import { validator, type Choice } from "../io/prompt";
import { planWrites, projectFolder, writeProject } from "../io/project-files";
import { listTemplates, renderTemplate, resolveTemplate } from "../io/template-dir";
import type { InitReport, InitTemplatesReport } from "../schemas/init";
import { VERSION } from "../version";

/**
 * `mlops init [DIR]`: scaffold an ML project from a template (the built-in templates/default, or
 * `--template DIR`). Every value has a flag; on a terminal the missing ones are asked, elsewhere
 * (and with --yes) they take their defaults. All input is checked, the files rendered and parsed,
 * and the target checked (not empty without --force, no symbolic links) before anything is written.
 */

interface InitFlags {
  name?: string;
  framework?: string;
  orchestrator?: string;
  source?: string;
  endpointType?: string;
  strategy?: string;
  metric?: string;
  threshold?: string;
  force?: boolean;
  dryRun?: boolean;
  listTemplates?: boolean;
  template?: string;
}

export type { InitReport, InitTemplatesReport };

const CHOICE_TEXT: { [K in ChoiceKey]: { message: string; describe: Partial<Record<InitAnswers[K], string>> } } = {
  framework: { message: "Which framework trains the model?", describe: { sklearn: "scikit-learn", xgboost: "XGBoost", pytorch: "PyTorch" } },
  orchestrator: { message: "What does the build workflow touch?", describe: {} },
  source: {
    message: "Where does the release pipeline get the code from?",
    describe: { github: "GitHub, through an AWS CodeConnections connection", codeconnections: "another CodeConnections provider (GitLab, Bitbucket…)", s3: "a zip file in an S3 bucket" },
  },
  endpointType: {
    message: "Which kind of endpoint serves the model?",
    describe: { realtime: "real-time: instances always on, answers in milliseconds", serverless: "serverless: scales to zero, cold starts", async: "asynchronous: large payloads and long processing, results in S3", batch: "batch transform: a whole dataset on a schedule, no endpoint" },
  },
  strategy: {
    message: "How does a new version take the traffic?",
    describe: { canary: "a small share first, then the rest", linear: "in equal steps", "blue-green": "all at once onto a new fleet, with a bake", "all-at-once": "all at once, no bake" },
  },
};

/** The answer "help me choose" at the endpoint-type question. */
const HELP_ME_CHOOSE = "help-me-choose";

export async function run(flags: InitFlags, ctx: Context, args: string[]): Promise<void> {
  if (flags.listTemplates) {
    const templates = await listTemplates();
    const report: InitTemplatesReport = { templates: templates.map(({ name, description, path }) => ({ name, description, path })) };
    ctx.io.emit(report, renderTemplates);
    return;
  }

  const dirArg = args[0] ?? ".";
  const root = resolve(ctx.cwd, dirArg);
  // Values given are checked first, before any question.
  const given = checkGiven(flags, ctx);
  const template = await resolveTemplate(flags.template, ctx.cwd);
  const folder = await projectFolder(root, dirArg);
  if (folder.entries.length > 0 && !flags.force) {
    throw new UsageError(`${dirArg} is not empty (${folder.entries.length} entr${folder.entries.length === 1 ? "y" : "ies"}): init writes only into a new or empty folder`, {
      hint: "give another folder, or --force to write the template's files there (other files are kept; files of the same name are overwritten)",
    });
  }

  const { answers, assumed } = await collectAnswers(given, root, ctx);
  const reason = orchestratorReason(answers.orchestrator);

  const view = buildView(answers, VERSION);
  const { files } = await renderTemplate(template.path, answers, view);
  const plan = await planWrites(root, files.map((f) => f.path));
  if (!flags.dryRun) await writeProject(root, files, { expectEmpty: folder.entries.length === 0, shown: dirArg });
  // The built-in template's framework image URIs carry us-east-1's registry accounts.
  if (template.builtin && answers.region !== "us-east-1") ctx.io.warn(`the framework images written are us-east-1's registry accounts with ${answers.region}'s domain: replace the account in each image URI (the project's README, "Images in another region", lists them)`);

  const report: InitReport = {
    directory: root,
    template: { name: template.name, path: template.path, builtin: template.builtin },
    dryRun: !!flags.dryRun,
    answers,
    orchestratorReason: reason,
    assumed,
    files: plan,
  };
  ctx.io.emit(report, (r, style) => renderReport(r, style, displayPath(ctx.cwd, root)));
}

type Given = Partial<InitAnswers>;

/** Every value a flag (or the global --region, MLOPS_REGION, AWS_REGION, mlops.yaml) gives, checked. */
function checkGiven(flags: InitFlags, ctx: Context): Given {
  const given: Given = {};
  if (flags.name !== undefined) given.name = checkProjectName(flags.name);
  for (const key of Object.keys(INIT_CHOICES) as ChoiceKey[]) {
    const value = flags[key];
    if (value !== undefined) (given as Record<string, string>)[key] = checkChoice(key, value);
  }
  if (flags.metric !== undefined) given.metric = checkMetricName(flags.metric);
  if (flags.threshold !== undefined) given.threshold = checkThreshold(flags.threshold);
  const region = ctx.settings.region;
  if (region) given.region = checkRegion(region.value, region.source);
  // A batch transform has no endpoint to roll out to: a strategy given with it would be ignored silently.
  if (given.endpointType === "batch" && given.strategy !== undefined) throw new UsageError(`--strategy ${given.strategy} has no effect with --endpoint-type batch: a batch transform has no endpoint to roll a version out to`, { hint: "leave out --strategy" });
  return given;
}

/**
 * The missing values: asked on a terminal (unless --yes), else their defaults, each noted in
 * `assumed`. The project name defaults to the folder's name.
 */
async function collectAnswers(given: Given, root: string, ctx: Context): Promise<{ answers: InitAnswers; assumed: string[] }> {
  const ask = ctx.prompt.interactive && !ctx.prompt.yes;
  const assumed: string[] = [];
  const folderName = basename(root);

  let name = given.name;
  if (name === undefined) {
    if (ask) {
      const fromFolder = (() => {
        try {
          return checkProjectName(folderName);
        } catch {
          return undefined;
        }
      })();
      name = await ctx.prompt.text({ flag: "--name", message: "Project name (lower case: it goes into S3 bucket and SageMaker names)", default: fromFolder, validate: validator((v) => checkProjectName(v)) });
      name = checkProjectName(name);
    } else {
      name = checkProjectName(folderName, "the folder's name");
      assumed.push(`--name ${name} (the folder's name)`);
    }
  }

  const choose = async <K extends ChoiceKey>(key: K): Promise<InitAnswers[K]> => {
    const value = given[key];
    if (value !== undefined) return value as InitAnswers[K];
    const fallback = INIT_DEFAULTS[key] as InitAnswers[K];
    if (!ask) {
      assumed.push(`${INIT_CHOICES[key].flag} ${fallback} (default)`);
      return fallback;
    }
    const text = CHOICE_TEXT[key];
    const choices = (INIT_CHOICES[key].values as unknown as ReadonlyArray<InitAnswers[K]>).map((value) => ({ value, name: value, description: text.describe[value] }));
    return ctx.prompt.select({ flag: INIT_CHOICES[key].flag, message: text.message, choices, default: fallback });
  };

  const framework = await choose("framework");

  // The orchestrator is asked as what the workflow touches; each answer stands for the orchestrator it recommends.
  let orchestrator = given.orchestrator;
  if (orchestrator === undefined && ask) {
    const choices: Array<Choice<InitAnswers["orchestrator"]>> = WORKFLOW_TOUCHES.map((touches) => ({ value: recommendOrchestrator(touches).orchestrator, name: TOUCHES_TEXT[touches].name, description: TOUCHES_TEXT[touches].description }));
    orchestrator = await ctx.prompt.select({ flag: "--orchestrator", message: CHOICE_TEXT.orchestrator.message, choices, default: INIT_DEFAULTS.orchestrator });
    ctx.io.info(`→ ${orchestratorReason(orchestrator)}`);
  }
  orchestrator ??= await choose("orchestrator");

  const source = await choose("source");
  const endpointType = given.endpointType ?? (ask ? await askEndpointType(ctx) : await choose("endpointType"));
  // A batch transform has no endpoint to roll out to: its strategy is kept, unasked, for a later switch to an endpoint.
  const strategy = endpointType === "batch" && given.strategy === undefined ? keepDefault("strategy", assumed, "batch transform has no rollout") : await choose("strategy");

  const text = async (key: "metric" | "threshold", message: string, check: (v: string) => string) => {
    if (given[key] !== undefined) return given[key]!;
    if (!ask) {
      assumed.push(`--${key} ${INIT_DEFAULTS[key]} (default)`);
      return INIT_DEFAULTS[key];
    }
    return check(await ctx.prompt.text({ flag: `--${key}`, message, default: INIT_DEFAULTS[key], validate: validator(check) }));
  };
  const metric = await text("metric", "Metric the pipeline checks before it registers a model", checkMetricName);
  const threshold = await text("threshold", `Lowest ${metric} that registers a model`, checkThreshold);
  const region = given.region ?? (assumed.push(`--region ${INIT_DEFAULTS.region} (no --region, MLOPS_REGION, AWS_REGION or mlops.yaml region)`), INIT_DEFAULTS.region);

  return { answers: { name, region, framework, orchestrator, source, endpointType, strategy, metric, threshold }, assumed };
}

function keepDefault(key: "strategy", assumed: string[], why: string): InitAnswers["strategy"] {
  assumed.push(`--strategy ${INIT_DEFAULTS[key]} (${why})`);
  return INIT_DEFAULTS[key];
}

/**
 * The endpoint type, asked: one of the types, or "help me choose", which runs the questions of
 * `mlops endpoint advise` and takes its recommendation (the equivalent command line then says
 * --endpoint-type with the type chosen, not the advise answers).
 */
async function askEndpointType(ctx: Context): Promise<InitEndpointType> {
  const text = CHOICE_TEXT.endpointType;
  const mark = ctx.prompt.answerCount;
  const choices: Array<Choice<InitEndpointType | typeof HELP_ME_CHOOSE>> = [
    ...INIT_CHOICES.endpointType.values.map((value) => ({ value, name: value, description: text.describe[value] })),
    { value: HELP_ME_CHOOSE, name: "help me choose", description: "a few questions about payloads, latency and traffic (mlops endpoint advise)" },
  ];
  const answer = await ctx.prompt.select({ flag: "--endpoint-type", message: text.message, choices, default: INIT_DEFAULTS.endpointType });
  if (answer !== HELP_ME_CHOOSE) return answer;
  const { adviseByQuestions } = await import("./advise");
  const advice = await adviseByQuestions(ctx);
  let chosen: InitEndpointType;
  if (advice.recommendation) {
    chosen = advice.recommendation.type;
    ctx.io.info(`→ ${chosen}: ${advice.recommendation.reasons.join("; ")}`);
    // The template writes a starting size; what the advice sized is said, for mlops.yaml's endpoint: section.
    const sizing = Object.entries(advice.recommendation.settings).map(([k, v]) => `${k} ${v}`).join(" · ");
    if (sizing) ctx.io.info(`  sized: ${sizing} (set these under endpoint: in the project's mlops.yaml; the template writes a small starting size)`);
  } else {
    ctx.io.warn(`no SageMaker inference option fits: ${advice.blocked}`);
    const retry = INIT_CHOICES.endpointType.values.map((value) => ({ value, name: value, description: text.describe[value] }));
    chosen = await ctx.prompt.select({ flag: "--endpoint-type", message: "Which kind of endpoint, then?", choices: retry, default: INIT_DEFAULTS.endpointType });
  }
  ctx.prompt.replaceAnswersSince(mark, "--endpoint-type", chosen);
  return chosen;
}

function displayPath(cwd: string, root: string): string {
  const rel = relative(cwd, root);
  return rel === "" ? "." : rel.startsWith("..") ? root : rel;
}

function renderReport(r: InitReport, style: ChalkInstance, where: string): string {
  const a = r.answers;
  const lines = [
    r.dryRun
      ? `Dry run: would write ${r.files.length} file${r.files.length === 1 ? "" : "s"} in ${where} (template ${r.template.name}); nothing was written`
      : `Project ${a.name} in ${where} (template ${r.template.name}): ${r.files.length} file${r.files.length === 1 ? "" : "s"}`,
  ];
  const width = Math.max(...r.files.map((f) => f.action.length), 7);
  for (const f of r.files) lines.push(`  ${(r.dryRun ? `would be ${f.action}` : f.action).padEnd(width + (r.dryRun ? 9 : 0))}  ${f.path}`);
  const serving = a.endpointType === "batch" ? "batch transform" : `${a.endpointType} endpoint, ${a.strategy} rollout`;
  lines.push("", `${a.framework}, ${a.orchestrator}, source ${a.source}, ${serving}, registers when ${a.metric} ≥ ${a.threshold}, region ${a.region}`);
  lines.push(style.dim(`Orchestrator: ${r.orchestratorReason}`));
  if (r.assumed.length > 0) lines.push(style.dim(`Assumed: ${r.assumed.join("; ")}`));
  if (!r.dryRun && r.files.some((f) => f.path === "README.md")) lines.push("", `Next: read ${where === "." ? "" : `${where}/`}README.md.`);
  return lines.join("\n");
}

function renderTemplates(r: InitTemplatesReport): string {
  if (r.templates.length === 0) return "No built-in templates found (this mlops install has no templates/ folder); use --template DIR.";
  const width = Math.max(...r.templates.map((t) => t.name.length));
  return r.templates.map((t) => `${t.name.padEnd(width)}  ${t.description}`).join("\n");
}
