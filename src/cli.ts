import { isatty } from "node:tty";
import { Argument, Command, CommanderError, Option } from "commander";
import { ALARM_STATES, APPROVALS, CODE_SOURCES, ENDPOINT_TYPES, ENGINES, FRAMEWORKS, INIT_ENDPOINT_TYPES, INIT_STRATEGIES, ORCHESTRATORS, PIPELINE_STATUSES, SHELLS, STRATEGIES, TRAFFIC_SHAPES, TRIGGER_KINDS } from "./core/choices";
import { EXIT_CODE_HELP, ExitCode, FORCE_EXIT_SIGNALS } from "./exit-codes";
import type { GlobalOptions, Runtime } from "./context";
import type { ErrorName } from "./errors";
import type { CommandModule } from "./run-command";

import { VERSION } from "./version";

type Loader = () => Promise<CommandModule<any>>;

/**
 * Wire an action to a command module that is imported only when the command runs,
 * so `mlops --help` loads commander and nothing else. Each lazy import names its built file
 * (./name.js); scripts/build.mjs reads them to build each as an ESM entry.
 */
function lazy(load: Loader, runtime: () => Runtime) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positionals = args.slice(0, -2) as string[];
    let root = command;
    while (root.parent) root = root.parent;
    // The words as typed after `mlops`: a run that asked questions ends with the same line plus its answers.
    const typed = (root as unknown as { rawArgs: string[] }).rawArgs.slice(2);
    const { runCommand } = await import("./run-command.js");
    await runCommand(load, positionals, command.opts(), command.optsWithGlobals<GlobalOptions>(), runtime(), typed);
  };
}

/**
 * An option or argument that takes one of a closed set of values (src/core/choices.ts): the help
 * lists them ("choices: …") and `mlops completion` offers them. Not commander's .choices(): that
 * also makes commander reject other values, with its own message and for the flag only, while
 * the commands check the value from any source (flag, MLOPS_*, mlops.yaml) and name the rule.
 */
function oneOf<T extends Option | Argument>(target: T, values: readonly string[]): T {
  target.argChoices = [...values];
  return target;
}

/** For options given more than once: --require a --require b → [a, b] (undefined when never given and no default). */
const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * A single-valued option given twice with different values is refused (exit 2): taking the last
 * one silently hides a mistake, such as a script's --endpoint followed by a pasted one.
 * Repeatable options (collect) and flags without a value are not concerned.
 */
function refuseRepeatedOptions(command: Command, argv: readonly string[]): void {
  const end = argv.indexOf("--");
  const tokens = end === -1 ? argv : argv.slice(0, end);
  for (let cmd: Command | null = command; cmd; cmd = cmd.parent) {
    for (const option of cmd.options) {
      if (!(option.required || option.optional) || option.parseArg === collect) continue;
      const names = [option.long, option.short].filter((n): n is string => !!n);
      const values = new Set<string>();
      tokens.forEach((token, i) => {
        for (const name of names) {
          if (token === name) values.add(tokens[i + 1] ?? "");
          else if (token.startsWith(`${name}=`)) values.add(token.slice(name.length + 1));
        }
      });
      if (values.size > 1) {
        throw new CommanderError(ExitCode.Usage, "mlops.repeatedOption", `error: ${option.long ?? option.short} was given ${values.size} different values (${[...values].map((v) => JSON.stringify(v)).join(", ")}); give it once`);
      }
    }
  }
}

const EXIT_CODES_TEXT = "Exit codes:\n" + EXIT_CODE_HELP.map(([code, text]) => `  ${String(code).padEnd(5)}${text}`).join("\n");

/** Global options by what they serve; each command's help lists the ones it honours. */
const OUTPUT_GLOBALS = ["--json", "--no-color", "--debug"];
const AWS_GLOBALS = ["--region", "--profile", "--endpoint-url", "--sandbox", "--config", ...OUTPUT_GLOBALS];
const honouredGlobals = new WeakMap<Command, ReadonlySet<string>>();

/** MLOPS_* variables and what they stand for; a command's help lists those it reads. */
const ENVIRONMENT: Record<string, string> = {
  MLOPS_REGION: "--region",
  MLOPS_PROFILE: "--profile",
  MLOPS_ENDPOINT_URL: "--endpoint-url",
  MLOPS_CONFIG: "--config",
  MLOPS_ENDPOINT: "--endpoint",
  MLOPS_POLL_SECONDS: "--poll",
  MLOPS_STRATEGY: "--strategy",
  MLOPS_TIMEOUT: "--timeout",
  MLOPS_RELEASE_PIPELINE: "--pipeline",
  MLOPS_PIPELINE: "--name",
  MLOPS_PIPELINE_ROLE_ARN: "--role-arn",
  MLOPS_TRIGGER_ROLE_ARN: "--role-arn",
};
const AWS_ENVIRONMENT = ["MLOPS_REGION", "MLOPS_PROFILE", "MLOPS_ENDPOINT_URL", "MLOPS_CONFIG"];

/**
 * What every command's help ends with: the global options it honours (shown by commander under
 * "Global Options"), the MLOPS_* variables it reads, examples, and the exit codes.
 */
function helpFor(command: Command, help: { globals: readonly string[]; environment?: readonly string[]; examples: readonly string[] }): Command {
  honouredGlobals.set(command, new Set(help.globals));
  const sections = [
    ...(help.environment && help.environment.length > 0
      ? ["Environment:\n" + help.environment.map((name, _, all) => `  ${name.padEnd(Math.max(20, ...all.map((n) => n.length + 2)))}same as ${ENVIRONMENT[name]} (the flag wins)`).join("\n")]
      : []),
    "Examples:\n" + help.examples.map((e) => `  $ ${e}`).join("\n"),
    EXIT_CODES_TEXT,
  ];
  return command.addHelpText("after", "\n" + sections.join("\n\n") + "\n");
}

export function buildProgram(runtime: () => Runtime): Command {
  const program: Command = new Command("mlops")
    .description("Take SageMaker models from a notebook to production: metric-gated registry, endpoint advice and safe rollouts that roll back on CloudWatch alarms.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .addOption(new Option("--region <region>", "AWS region (else MLOPS_REGION, AWS_REGION, mlops.yaml, AWS profile)"))
    .addOption(new Option("--profile <name>", "AWS named profile (else MLOPS_PROFILE, AWS_PROFILE, mlops.yaml)"))
    .addOption(new Option("--endpoint-url <url>", "send AWS calls to this URL, e.g. a sandbox (else MLOPS_ENDPOINT_URL, mlops.yaml)"))
    .option("--sandbox", "run against a throwaway in-process sandbox: no AWS account needed")
    .option("--json", "print the result as one JSON document on stdout")
    .option("--no-color", "no colour, in prompts too (NO_COLOR is honoured as well)")
    .option("--no-input", "never prompt; a missing value is an error (also when CI is set or not on a TTY)")
    .option("-y, --yes", "confirm destructive steps without asking")
    .option("--debug", "log AWS calls and stack traces on stderr (never secrets)")
    .option("--config <path>", "use this mlops.yaml instead of searching upwards (else MLOPS_CONFIG)")
    .addHelpText("after", `\n${EXIT_CODES_TEXT}\n\nEach command's --help lists the global options it honours, its MLOPS_* variables and examples.\n`)
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({
      // A command shows the global options it honours, not every one (gh does the same with its inherited flags).
      showGlobalOptions: true,
      visibleGlobalOptions: (cmd: Command): Option[] => {
        const honoured = honouredGlobals.get(cmd);
        if (!cmd.parent) return [];
        return program.options.filter((o) => !o.hidden && o.long !== "--version" && o.long !== "--help" && (!honoured || honoured.has(o.long!)));
      },
    })
    .hook("preAction", (_program, action) => {
      try {
        refuseRepeatedOptions(action, (program as unknown as { rawArgs: string[] }).rawArgs.slice(2));
      } catch (error) {
        // Printed as commander prints its own usage errors.
        runtime().streams.stderr.write(`${(error as Error).message}\n`);
        throw error;
      }
    })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime().streams.stdout.write(text),
      writeErr: (text) => runtime().streams.stderr.write(text),
    });

  const AWS_ENV = AWS_ENVIRONMENT;
  const ENDPOINT_ENV = [...AWS_ENVIRONMENT, "MLOPS_ENDPOINT", "MLOPS_POLL_SECONDS"];
  const ENDPOINT_FLAG = "endpoint (else MLOPS_ENDPOINT, mlops.yaml endpoint.name; asked on a terminal, required without one)";
  const POLL_FLAG = "seconds between checks (default 15; else MLOPS_POLL_SECONDS, mlops.yaml deploy.poll)";

  helpFor(
    program
      .command("demo")
      .description("the whole story on a local AWS in under a minute: register, create, canary, and a bad version rolled back by its alarm")
      .option("--time-scale <n>", "how much faster than real time the local AWS runs", "200")
      .option(
        "--story <story>",
        "deploy (default): registry, endpoint, canaries and a rollback; release: a SageMaker pipeline registers a model, a CodePipeline release waits at its manual approval and goes on to Production",
      )
      .action(lazy(() => import("./commands/demo.js"), runtime)),
    {
      globals: OUTPUT_GLOBALS,
      examples: ["mlops demo", "mlops demo --time-scale 20   # slower, to watch the live view", "mlops demo --story release", "mlops demo --json | jq .steps"],
    },
  );

  helpFor(
    program
      .command("init")
      .description("scaffold an ML project that works on AWS: a SageMaker pipeline, buildspecs that call mlops, a CodePipeline with a manual approval, the model-approved trigger and least-privilege roles")
      .argument("[dir]", "the project folder, made if missing (default: the current folder)")
      .option("--name <name>", "project name, lower case, 3–32 characters: it goes into S3, CloudFormation and SageMaker names (default: the folder's name)")
      .addOption(oneOf(new Option("--framework <name>", "framework of the training scripts (default sklearn)"), FRAMEWORKS))
      .addOption(oneOf(new Option("--orchestrator <name>", "what runs the build workflow (default sagemaker-pipelines; on a terminal asked as what the workflow touches, with the reason)"), ORCHESTRATORS))
      .addOption(oneOf(new Option("--source <name>", "where the release pipeline gets the code: GitHub or another provider through CodeConnections, or an S3 zip (default github)"), CODE_SOURCES))
      .addOption(oneOf(new Option("--endpoint-type <type>", "how the model is served (default realtime; on a terminal \"help me choose\" asks the endpoint advise questions)"), INIT_ENDPOINT_TYPES))
      .addOption(oneOf(new Option("--strategy <name>", "rollout the deploy buildspec asks for (default canary)"), INIT_STRATEGIES))
      .option("--metric <name>", "metric the pipeline checks before it registers a model (default accuracy)")
      .option("--threshold <x>", "lowest metric value that registers a model (default 0.8)")
      .option("--template <dir>", "a template folder of your own (template.yaml and files/), or a built-in template's name")
      .option("--list-templates", "list the built-in templates and their descriptions")
      .option("--force", "write into a folder that is not empty: only the template's files, each listed as created or overwritten")
      .option("--dry-run", "list the files it would write (created or overwritten) and write nothing")
      .action(lazy(() => import("./commands/init.js"), runtime)),
    {
      globals: ["--region", "--config", "--no-input", "--yes", ...OUTPUT_GLOBALS],
      environment: ["MLOPS_REGION", "MLOPS_CONFIG"],
      examples: [
        "mlops init churn                # on a terminal: asks, explaining the orchestrator it picks",
        "mlops init churn --yes          # every default: sklearn, SageMaker Pipelines, GitHub, real-time, canary",
        "mlops init churn --framework xgboost --orchestrator step-functions --metric auc --threshold 0.9 --dry-run",
        "mlops init . --force --template ../team-templates/ml-service",
      ],
    },
  );

  helpFor(
    program
      .command("doctor")
      .description("check Node, config, region, credentials and endpoint; say how to fix what fails")
      .action(lazy(() => import("./commands/doctor.js"), runtime)),
    { globals: AWS_GLOBALS, environment: AWS_ENV, examples: ["mlops doctor", "mlops doctor --profile prod --region eu-west-1", "mlops doctor --sandbox"] },
  );

  helpFor(
    program
      .command("register")
      .description("register a model version in the Model Registry, only if its metrics pass the gate")
      .option("--group <name>", "model package group, created if missing (asked on a terminal, required without one)")
      .option("--image <uri>", "inference container image URI (asked on a terminal, required without one)")
      .option("--model-data <s3uri>", "model artifact: s3://bucket/path/model.tar.gz (asked on a terminal, required without one)")
      .option("--metrics <file|s3uri>", "evaluation metrics JSON (SageMaker evaluation report or flat), at most 8 MiB")
      .option("--require <expr>", 'gate, e.g. "accuracy>=0.9"; repeat for more (all must hold)', collect, [])
      .addOption(oneOf(new Option("--approval <status>", "approval status of the new version").default("pending"), APPROVALS))
      .option("--description <text>", "description of this version")
      .option("--meta <key=value>", "extra metadata to record; repeatable", collect, [])
      .option("--env <key=value>", "container environment variable; repeatable", collect, [])
      .option("--content-type <mime>", "content type the model accepts, e.g. text/csv")
      .option("--instance-type <type>", "supported real-time instance type; repeatable", collect, [])
      .option("--dry-run", "check everything and print the calls, without registering")
      .option("--output-env <file>", "write KEY='VALUE' lines for later build phases into FILE (its other lines are kept): MODEL_PACKAGE_ARN, MODEL_PACKAGE_VERSION, APPROVAL_STATUS")
      .action(lazy(() => import("./commands/register.js"), runtime)),
    {
      globals: [...AWS_GLOBALS, "--no-input"],
      environment: AWS_ENV,
      examples: [
        "mlops register --group churn --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4 --model-data s3://models/churn/model.tar.gz",
        'mlops register --group churn --image … --model-data … --metrics evaluation.json --require "accuracy>=0.9"',
        "mlops register --group churn --image … --model-data … --approval approved --dry-run",
      ],
    },
  );

  const models = program.command("models").description("list, show, approve and reject registered model versions");
  helpFor(
    models
      .command("list")
      .description("list a group's newest versions (30 unless --limit or --all), with metrics and source")
      .option("--group <name>", "model package group (asked on a terminal, required without one)")
      .addOption(oneOf(new Option("--status <status>", "only versions with this approval status (also as SageMaker spells it: Approved…)"), APPROVALS))
      .option("--limit <n>", "the N newest versions (default 30)")
      .option("--all", "every version, streamed as it arrives")
      .option("--no-metrics", "skip metrics and source (one DescribeModelPackage call per row): lists fast")
      .action(lazy(() => import("./commands/models-list.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: AWS_ENV, examples: ["mlops models list --group churn", "mlops models list --group churn --status approved --limit 5", "mlops models list --group churn --all --no-metrics --json | jq '.models[].version'"] },
  );
  helpFor(
    models
      .command("show")
      .description("show one version: REF is an ARN, GROUP/VERSION, GROUP@latest or GROUP@latest-approved")
      .argument("<ref>", "the model version")
      .action(lazy(() => import("./commands/models-show.js"), runtime)),
    { globals: AWS_GLOBALS, environment: AWS_ENV, examples: ["mlops models show churn/3", "mlops models show churn@latest-approved --json"] },
  );
  helpFor(
    models
      .command("approve")
      .description("approve a version (idempotent; keeps everything else)")
      .argument("<ref>", "the model version")
      .option("--reason <text>", "why it is approved")
      .action(lazy(async () => ({ run: (await import("./commands/models-approval.js")).approve }), runtime)),
    { globals: AWS_GLOBALS, environment: AWS_ENV, examples: ["mlops models approve churn/3", 'mlops models approve churn@latest --reason "passed the shadow test"'] },
  );
  helpFor(
    models
      .command("reject")
      .description("reject a version (idempotent; keeps everything else)")
      .argument("<ref>", "the model version")
      .option("--reason <text>", "why it is rejected (asked on a terminal, required without one)")
      .action(lazy(async () => ({ run: (await import("./commands/models-approval.js")).reject }), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: AWS_ENV, examples: ['mlops models reject churn/4 --reason "fails the bias review"', 'mlops models reject churn@latest-approved --reason "drift in production"'] },
  );

  helpFor(
    program
      .command("deploy")
      .description("create or update an endpoint with a canary, linear, blue/green, rolling or all-at-once rollout that rolls back on alarms")
      .option("--endpoint <name>", ENDPOINT_FLAG.replace("endpoint (", "endpoint to create or update ("))
      .option("--model-package <ref>", "registered version: GROUP@latest-approved, GROUP/VERSION or package ARN (or --image and --model-data; asked on a terminal, required without one)")
      .option("--image <uri>", "inference image (with --model-data, instead of --model-package)")
      .option("--model-data <s3uri>", "model artifact s3://…/model.tar.gz")
      .option("--env <key=value>", "container environment variable; repeatable", collect, [])
      .option("--role-arn <arn>", "SageMaker execution role (a redeploy reuses the serving model's; a new endpoint needs it: asked on a terminal, required without one)")
      .addOption(oneOf(new Option("--type <type>", "endpoint type (default: the endpoint's type, else realtime)"), ENDPOINT_TYPES))
      .option("--instance-type <type>", "instance type (a new endpoint: ml.m5.large; a redeploy keeps the endpoint's)")
      .option("--instance-count <n>", "instances (a new endpoint: 1; a redeploy keeps the endpoint's)")
      .option("--memory-mb <mb>", "serverless memory, 1024–6144 in 1024 steps (a new endpoint: 2048; a redeploy keeps the endpoint's)")
      .option("--max-concurrency <n>", "serverless max concurrency, 1–200 (a new endpoint: 10; a redeploy keeps the endpoint's)")
      .option("--async-output <s3uri>", "asynchronous results location s3://bucket/prefix/ (required for a new asynchronous endpoint)")
      .option("--async-concurrency <n>", "asynchronous: requests one instance works on at once, 1–1000 (default: SageMaker's choice)")
      .addOption(oneOf(new Option("--strategy <name>", "how traffic moves to the new version (default canary; else MLOPS_STRATEGY, mlops.yaml deploy.strategy)"), STRATEGIES))
      .option("--canary-percent <p>", "traffic share of the canary, above 0 and at most 99 (default 10)")
      .option("--linear-step <p>", "traffic share per linear step, or rolling batch size (default 20)")
      .option("--bake <duration>", "watch time between steps, e.g. 300 or 5m, at most 24h (default 300 s)")
      .option("--final-bake <duration>", "watch time at 100 % before the old version goes, at most 24h (default 300 s)")
      .option("--alarm <name>", "existing CloudWatch alarm that rolls back; repeatable (at most 10)", collect, [])
      .option("--auto-alarms", "create error-rate and latency alarms scoped to the new version")
      .option("--max-error-rate <r>", "auto-alarm error rate, a fraction 0–1 (default 0.01)")
      .option("--max-latency-ms <ms>", "auto-alarm latency in ms, at most 3600000 (default 1000)")
      .addOption(oneOf(new Option("--engine <name>", "who moves the traffic: guardrails = SageMaker, traffic = mlops, by variant weights (default: guardrails where SageMaker supports the rollout, else traffic)"), ENGINES))
      .option("--pause", "stop after the first step until `mlops promote` (traffic engine)")
      .option("--timeout <duration>", "give up waiting after this long (exit 5), e.g. 45m (else MLOPS_TIMEOUT, mlops.yaml deploy.timeout; default: the plan's expected time with room)")
      .option("--poll <seconds>", POLL_FLAG)
      .option("--no-wait", "start the rollout and return (the traffic engine stops at its first step)")
      .option("--dry-run", "print the calls in order and the expected duration, without changing anything")
      .option("--keep-old", "keep every previous config and model (default: keep one, for rollback)")
      .option("--output-env <file>", "write KEY='VALUE' lines for later build phases into FILE (its other lines are kept): ENDPOINT_NAME, ENDPOINT_CONFIG, DEPLOY_OUTCOME")
      .action(lazy(() => import("./commands/deploy.js"), runtime)),
    {
      globals: [...AWS_GLOBALS, "--no-input"],
      environment: [...ENDPOINT_ENV, "MLOPS_STRATEGY", "MLOPS_TIMEOUT"],
      examples: [
        "mlops deploy --endpoint churn --model-package churn@latest-approved --strategy canary --auto-alarms",
        "mlops deploy --endpoint churn --model-package churn/7 --engine traffic --pause   # then: mlops promote",
        "mlops deploy --endpoint churn --model-package churn/7 --dry-run",
      ],
    },
  );

  helpFor(
    program
      .command("status")
      .description("show an endpoint: serving config, variants, deployment or rollout in progress, alarms")
      .option("--endpoint <name>", ENDPOINT_FLAG)
      .option("--watch", "follow a deployment or rollout until it ends (exit 3 if it rolled back)")
      .option("--poll <seconds>", POLL_FLAG)
      .action(lazy(() => import("./commands/status.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: ENDPOINT_ENV, examples: ["mlops status --endpoint churn", "mlops status --endpoint churn --watch", "MLOPS_ENDPOINT=churn mlops status --json"] },
  );
  helpFor(
    program
      .command("rollback")
      .description("go back to the previous endpoint config (or --to CONFIG) at once")
      .option("--endpoint <name>", ENDPOINT_FLAG)
      .option("--to <config>", "endpoint config to go back to (default: the one before the last deploy)")
      .option("--poll <seconds>", POLL_FLAG)
      .option("--no-wait", "start the rollback and return")
      .action(lazy(() => import("./commands/rollback.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input", "--yes"], environment: ENDPOINT_ENV, examples: ["mlops rollback --endpoint churn", "mlops rollback --endpoint churn --yes --no-wait", "mlops rollback --endpoint churn --to churn-3f2a9c1d"] },
  );
  helpFor(
    program
      .command("promote")
      .description("continue a paused traffic rollout (--full: go to 100 % now)")
      .option("--endpoint <name>", ENDPOINT_FLAG)
      .option("--full", "skip the remaining steps and bakes")
      .option("--poll <seconds>", POLL_FLAG)
      .action(lazy(async () => { const m = await import("./commands/promote.js"); return { run: m.promote, handlesInterrupt: true }; }, runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: ENDPOINT_ENV, examples: ["mlops promote --endpoint churn", "mlops promote --endpoint churn --full"] },
  );
  helpFor(
    program
      .command("abort")
      .description("stop a rollout and return all traffic to the old version")
      .option("--endpoint <name>", ENDPOINT_FLAG)
      .option("--poll <seconds>", POLL_FLAG)
      .action(lazy(async () => { const m = await import("./commands/promote.js"); return { run: m.abort, handlesInterrupt: true }; }, runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: ENDPOINT_ENV, examples: ["mlops abort --endpoint churn", "MLOPS_ENDPOINT=churn mlops abort --json"] },
  );

  const endpoint = program.command("endpoint").description("choose and size an endpoint");
  const REQUIRED = "asked on a terminal, required without one";
  helpFor(
    endpoint
      .command("advise")
      .description("which endpoint type fits (real-time, serverless, asynchronous, batch), why, its limits and monthly cost")
      .option("--latency-ms <ms>", "acceptable latency per request, when callers wait (optional: no latency goal is checked without it)")
      .option("--payload-mb <mb>", `request payload size (${REQUIRED})`)
      .option("--response-mb <mb>", "response size (default: the payload size)")
      .option("--processing-seconds <s>", `model processing time per request (${REQUIRED})`)
      .addOption(oneOf(new Option("--traffic <shape>", `how requests come, batch: a dataset on a schedule (${REQUIRED})`), TRAFFIC_SHAPES))
      .option("--requests-per-day <n>", `requests (or records, for batch) per day (${REQUIRED})`)
      .option("--peak-rps <n>", "peak requests per second (default: from the daily volume and the traffic shape)")
      .option("--sync", "callers wait for the answer in the same request (default, except for batch)")
      .option("--no-sync", "callers can get the answer later")
      .option("--cold-start-ok", "cold starts of a few seconds after idle periods are acceptable")
      .option("--no-cold-start-ok", "cold starts are not acceptable (default)")
      .option("--gpu", `the model needs a GPU (this or --no-gpu: ${REQUIRED})`)
      .option("--no-gpu", "the model runs on CPUs")
      .option("--image-gb <gb>", `container image size (${REQUIRED})`)
      .option("--memory-gb <gb>", `memory the model needs (${REQUIRED})`)
      .option("--price-file <file>", "prices to use instead of the built-in table (same layout as data/prices.json)")
      .option("--save", "write the choice into mlops.yaml (endpoint: or batch:) for `mlops deploy`")
      .action(lazy(() => import("./commands/advise.js"), runtime)),
    {
      globals: ["--config", "--no-input", ...OUTPUT_GLOBALS],
      environment: ["MLOPS_CONFIG"],
      examples: [
        "mlops endpoint advise   # on a terminal: asks each question",
        "mlops endpoint advise --traffic spiky --payload-mb 0.1 --processing-seconds 0.2 --requests-per-day 50000 --no-gpu --memory-gb 2 --image-gb 2 --latency-ms 500",
        "mlops endpoint advise --traffic batch --payload-mb 5 --processing-seconds 2 --requests-per-day 1000000 --no-gpu --memory-gb 4 --image-gb 3 --save",
      ],
    },
  );

  const release = program.command("release").description("see and drive a CodePipeline release: its stages, manual approvals and executions");
  const RELEASE_ENV = [...AWS_ENVIRONMENT, "MLOPS_RELEASE_PIPELINE"];
  const WAIT_ENV = [...RELEASE_ENV, "MLOPS_TIMEOUT", "MLOPS_POLL_SECONDS"];
  const PIPELINE_FLAG = "CodePipeline pipeline (else MLOPS_RELEASE_PIPELINE, mlops.yaml release.pipeline; asked on a terminal, required without one)";
  const RELEASE_TIMEOUT_FLAG = "with --wait, give up waiting after this long (exit 5), e.g. 2h (else MLOPS_TIMEOUT; without one, until the execution ends)";
  helpFor(
    release
      .command("status")
      .description("stages and actions with their latest status, the newest execution, and the manual approvals that wait (since when, until when)")
      .option("--pipeline <name>", PIPELINE_FLAG)
      .action(lazy(() => import("./commands/release-status.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: RELEASE_ENV, examples: ["mlops release status --pipeline churn-release", "MLOPS_RELEASE_PIPELINE=churn-release mlops release status --json | jq .waitingApprovals"] },
  );
  for (const [verb, status] of [["approve", "approved"], ["reject", "rejected"]] as const) {
    helpFor(
      release
        .command(verb)
        .description(`answer the manual approval the pipeline waits on: ${status} (confirmed on a terminal; --yes elsewhere)`)
        .option("--pipeline <name>", PIPELINE_FLAG)
        .option("--stage <name>", "the stage of the approval, when several wait")
        .option("--action <name>", "the approval action, when several wait in one stage")
        .option("--execution <id>", "the pipeline execution, when one approval waits in several (PARALLEL mode)")
        .option("--summary <text>", "recorded with the answer, at most 512 characters (asked on a terminal, required without one)")
        .option("--wait", "then follow the execution to its end: exit 0 Succeeded, 1 Failed or Stopped")
        .option("--timeout <duration>", RELEASE_TIMEOUT_FLAG)
        .option("--poll <seconds>", POLL_FLAG)
        .action(lazy(async () => ({ run: (await import("./commands/release-approval.js"))[verb] }), runtime)),
      {
        globals: [...AWS_GLOBALS, "--no-input", "--yes"],
        environment: WAIT_ENV,
        examples: [
          `mlops release ${verb} --pipeline churn-release --summary "${verb === "approve" ? "staging looks good" : "latency regression in staging"}"${verb === "approve" ? " --wait" : ""}`,
          `mlops release ${verb} --pipeline churn-release --stage Production --action Gate --summary "…" --yes`,
        ],
      },
    );
  }
  helpFor(
    release
      .command("start")
      .description("start an execution (with a client request token), variables checked against the pipeline's")
      .option("--pipeline <name>", PIPELINE_FLAG)
      .option("--variable <key=value>", "a pipeline variable the pipeline declares; repeatable", collect, [])
      .option("--wait", "follow the execution to its end: exit 0 Succeeded, 1 Failed or Stopped")
      .option("--timeout <duration>", RELEASE_TIMEOUT_FLAG)
      .option("--poll <seconds>", POLL_FLAG)
      .action(lazy(() => import("./commands/release-start.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input"], environment: WAIT_ENV, examples: ["mlops release start --pipeline churn-release --wait", "mlops release start --pipeline churn-release --variable MODEL_VERSION=7 --json"] },
  );

  const pipeline = program.command("pipeline").description("SageMaker Pipelines: create or update a pipeline from its JSON definition, start it, follow it, list and stop its executions");
  const PIPELINE_ENV = [...AWS_ENVIRONMENT, "MLOPS_PIPELINE"];
  const PIPELINE_NAME_FLAG = "pipeline name (else MLOPS_PIPELINE, mlops.yaml pipeline.name)";
  const OUTPUT_ENV_FLAG = "write KEY='VALUE' lines for later build phases into FILE (its other lines are kept)";
  helpFor(
    pipeline
      .command("upsert")
      .description("create the pipeline or update its definition (checked first); an identical definition is a no-op that says so")
      .option("--file <path>", "pipeline definition JSON (else mlops.yaml pipeline.file)")
      .option("--name <name>", PIPELINE_NAME_FLAG)
      .option("--role-arn <arn>", "IAM role SageMaker runs the steps with; needed to create (else MLOPS_PIPELINE_ROLE_ARN, mlops.yaml pipeline.roleArn)")
      .option("--description <text>", "pipeline description, at most 3072 characters")
      .option("--param-default <key=value>", "set a declared parameter's DefaultValue (checked against its type); repeatable", collect, [])
      .option("--dry-run", "check the definition and print the call it would make, without changing anything")
      .action(lazy(() => import("./commands/pipeline-upsert.js"), runtime)),
    {
      globals: AWS_GLOBALS,
      environment: [...PIPELINE_ENV, "MLOPS_PIPELINE_ROLE_ARN"],
      examples: [
        "mlops pipeline upsert --file pipelines/pipeline.json --name churn-train --role-arn arn:aws:iam::123456789012:role/SageMakerPipelines",
        "mlops pipeline upsert --file pipelines/pipeline.json --param-default AccuracyThreshold=0.92 --dry-run",
        "mlops pipeline upsert --json | jq -r .action   # created, updated or unchanged",
      ],
    },
  );
  helpFor(
    pipeline
      .command("start")
      .description("start an execution (parameters checked against the definition); --wait follows it to its end")
      .option("--name <name>", PIPELINE_NAME_FLAG)
      .option("--param <key=value>", "pipeline parameter, checked against the declared ones and their types; repeatable", collect, [])
      .option("--display-name <name>", "execution display name (in CodeBuild: PROJECT-BUILDNUMBER unless given)")
      .option("--wait", "follow the execution: exit 0 Succeeded, 1 Failed or Stopped (naming the step), 5 on --timeout")
      .option("--timeout <duration>", "with --wait: stop waiting after this long (exit 5), e.g. 2h; without it, wait until the execution ends")
      .option("--output-env <file>", `${OUTPUT_ENV_FLAG}: PIPELINE_EXECUTION_ARN, PIPELINE_EXECUTION_STATUS, MODEL_PACKAGE_ARN`)
      .action(lazy(() => import("./commands/pipeline-start.js"), runtime)),
    {
      globals: AWS_GLOBALS,
      environment: PIPELINE_ENV,
      examples: [
        "mlops pipeline start --name churn-train --wait",
        "mlops pipeline start --param InputData=s3://data/churn/2026-11/ --param Epochs=20 --wait --timeout 2h --output-env pipeline.env",
        "mlops pipeline start --json | jq -r .pipelineExecutionArn",
      ],
    },
  );
  helpFor(
    pipeline
      .command("status")
      .description("show an execution: its steps, their states and times, failure reasons, the model package registered")
      .option("--name <name>", PIPELINE_NAME_FLAG)
      .option("--execution <arn|latest>", "execution ARN, or latest: the pipeline's newest (the default)", "latest")
      .option("--watch", "follow the execution until it ends (exit 1 if it failed or was stopped)")
      .action(lazy(() => import("./commands/pipeline-status.js"), runtime)),
    { globals: AWS_GLOBALS, environment: PIPELINE_ENV, examples: ["mlops pipeline status --name churn-train", "mlops pipeline status --execution arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-train/execution/abc123 --watch", "mlops pipeline status --json | jq '.steps[] | {name, status}'"] },
  );
  helpFor(
    pipeline
      .command("list")
      .description("list a pipeline's executions, newest first, every page followed")
      .option("--name <name>", PIPELINE_NAME_FLAG)
      .option("--limit <n>", "only the N newest executions (without it: all of them)")
      .action(lazy(() => import("./commands/pipeline-list.js"), runtime)),
    { globals: AWS_GLOBALS, environment: PIPELINE_ENV, examples: ["mlops pipeline list --name churn-train", "mlops pipeline list --limit 5 --json | jq -r '.executions[].status'"] },
  );
  helpFor(
    pipeline
      .command("stop")
      .description("stop a running execution (asks first on a terminal; --yes elsewhere)")
      .requiredOption("--execution <arn|latest>", "execution ARN, or latest: the pipeline's newest")
      .option("--name <name>", PIPELINE_NAME_FLAG)
      .action(lazy(() => import("./commands/pipeline-stop.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input", "--yes"], environment: PIPELINE_ENV, examples: ["mlops pipeline stop --execution arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-train/execution/abc123", "mlops pipeline stop --name churn-train --execution latest --yes"] },
  );

  const trigger = program.command("trigger").description("EventBridge triggers: start a SageMaker pipeline, a CodePipeline or notify an SNS topic on S3 uploads, schedules, model approvals, alarms and pipeline outcomes");
  const add = trigger.command("add").description("create or update the EventBridge rule of a trigger and its target (re-running with the same inputs changes nothing)");
  const TRIGGER_ENV = [...AWS_ENVIRONMENT, "MLOPS_TRIGGER_ROLE_ARN"];
  /** The flags every kind of trigger takes, after its own. */
  const addCommon = (command: Command) =>
    command
      .option("--target <target>", "what it starts: pipeline:NAME (SageMaker), codepipeline:NAME, sns:TOPIC, or an ARN of one; it must exist")
      .option("--name <rule>", "rule name (default mlops-<kind>-<hash of the inputs>)")
      .option("--role-arn <arn>", "role EventBridge assumes to start a pipeline (else MLOPS_TRIGGER_ROLE_ARN, mlops.yaml triggers.roleArn); not for SNS")
      .option("--param <name=value>", "SageMaker pipeline parameter; VALUE may be a JSONPath into the event such as '$.detail.object.key'; repeatable", collect, [])
      .option("--dry-run", "check everything and print the calls it would make, without changing anything");
  const addKinds: Array<{ name: string; exportName: string; description: string; options: (c: Command) => Command; examples: string[] }> = [
    {
      name: "s3",
      exportName: "s3",
      description: "on S3 Object Created in a bucket (prefix and suffix optional); turns on the bucket's EventBridge notifications, keeping its others",
      options: (c) => c.option("--bucket <bucket>", "the bucket").option("--prefix <prefix>", "only keys starting so, e.g. data/").option("--suffix <suffix>", "only keys ending so, e.g. .csv"),
      examples: [
        "mlops trigger add s3 --bucket raw-data --prefix data/ --suffix .csv --target pipeline:train --param InputKey='$.detail.object.key' --role-arn arn:aws:iam::123456789012:role/mlops-trigger",
        "mlops trigger add s3 --bucket raw-data --suffix .parquet --target sns:data-arrivals",
      ],
    },
    {
      name: "schedule",
      exportName: "schedule",
      description: "on a schedule (UTC): EventBridge cron (6 fields) or rate; prints the next three runs",
      options: (c) => c.option("--cron <fields>", 'minutes hours day-of-month month day-of-week year, e.g. "0 3 * * ? *"').option("--rate <rate>", 'e.g. "1 day", "6 hours", "30 minutes"'),
      examples: ['mlops trigger add schedule --cron "0 3 ? * MON-FRI *" --target pipeline:train', 'mlops trigger add schedule --rate "7 days" --target pipeline:train --param Mode=full --dry-run'],
    },
    {
      name: "model-approved",
      exportName: "modelApproved",
      description: "when a model package version in a group is set to Approved (not on registration; an update of an approved version can fire it again)",
      options: (c) => c.option("--group <group>", "model package group"),
      examples: ["mlops trigger add model-approved --group churn --target codepipeline:churn-release", "mlops trigger add model-approved --group churn --target sns:ml-team --dry-run"],
    },
    {
      name: "alarm",
      exportName: "alarm",
      description: "when a CloudWatch alarm enters a state (ALARM by default), e.g. drift → retrain",
      options: (c) => c.option("--alarm <name>", "the alarm's name").addOption(oneOf(new Option("--state <state>", "the state it enters (default ALARM)"), ALARM_STATES)),
      examples: ["mlops trigger add alarm --alarm churn-feature-drift --target pipeline:train", "mlops trigger add alarm --alarm churn-errors --state OK --target sns:oncall"],
    },
    {
      name: "pipeline-status",
      exportName: "pipelineStatus",
      description: "when a SageMaker pipeline execution reaches a status (by default when it ends: Failed, Stopped or Succeeded), e.g. notify people",
      options: (c) =>
        c.option("--pipeline <name>", "the SageMaker pipeline").addOption(oneOf(new Option("--status <status>", "the execution status; repeatable (default: Failed, Stopped, Succeeded)").argParser(collect), PIPELINE_STATUSES)),
      examples: ["mlops trigger add pipeline-status --pipeline train --status Failed --target sns:ml-team", "mlops trigger add pipeline-status --pipeline train --status Succeeded --target codepipeline:churn-release"],
    },
  ];
  for (const kind of addKinds) {
    helpFor(
      addCommon(kind.options(add.command(kind.name).description(kind.description))).action(lazy(async () => ({ run: (await import("./commands/trigger-add.js"))[kind.exportName as "s3"] }), runtime)),
      { globals: AWS_GLOBALS, environment: TRIGGER_ENV, examples: kind.examples },
    );
  }
  helpFor(
    trigger
      .command("list")
      .description("list the triggers mlops made (any rule tagged by mlops) with their targets and state")
      .option("--all", "every rule on the bus, not only those mlops made")
      .action(lazy(() => import("./commands/trigger-list.js"), runtime)),
    { globals: AWS_GLOBALS, environment: AWS_ENVIRONMENT, examples: ["mlops trigger list", "mlops trigger list --all --json | jq -r '.rules[] | select(.state == \"DISABLED\") | .name'"] },
  );
  helpFor(
    trigger
      .command("remove")
      .description("remove a trigger mlops made: its targets, then its rule (asks on a terminal; --yes elsewhere)")
      .argument("<rule>", "the rule's name, as `mlops trigger list` shows it")
      .action(lazy(() => import("./commands/trigger-remove.js"), runtime)),
    { globals: [...AWS_GLOBALS, "--no-input", "--yes"], environment: AWS_ENVIRONMENT, examples: ["mlops trigger remove mlops-s3-3f2a9c1d4e", "mlops trigger remove mlops-schedule-0b1c2d3e4f --yes"] },
  );
  helpFor(
    trigger
      .command("test")
      .description("does the rule match an event? EventBridge's TestEventPattern answers, mlops says which fields did not (exit 1 when none)")
      .argument("<rule>", "the rule's name")
      .option("--event <file>", "an event as JSON (the whole envelope: id, account, source, time, region, resources, detail-type, detail)")
      .addOption(oneOf(new Option("--sample <kind>", "a sample event of this kind, made to fit the rule's own values"), TRIGGER_KINDS))
      .option("--field <path=value>", "change a field of the event, e.g. detail.object.key=other/x.csv (path:=JSON for numbers); repeatable", collect, [])
      .action(lazy(() => import("./commands/trigger-test.js"), runtime)),
    {
      globals: AWS_GLOBALS,
      environment: AWS_ENVIRONMENT,
      examples: ["mlops trigger test mlops-s3-3f2a9c1d4e --sample s3", "mlops trigger test mlops-s3-3f2a9c1d4e --sample s3 --field detail.object.key=other/x.csv", "mlops trigger test my-rule --event event.json --json | jq .matched"],
    },
  );
  helpFor(
    trigger
      .command("policy")
      .description("print the IAM trust and permission policies a trigger's target needs, scoped to that target (SNS: the topic policy statement)")
      .option("--target <target>", "pipeline:NAME, codepipeline:NAME, sns:TOPIC or an ARN")
      .option("--rule <name>", "scope the conditions to this one rule (else to rules of this account)")
      .action(lazy(() => import("./commands/trigger-policy.js"), runtime)),
    { globals: AWS_GLOBALS, environment: AWS_ENVIRONMENT, examples: ["mlops trigger policy --target pipeline:train", "mlops trigger policy --target codepipeline:churn-release --json | jq .trustPolicy > trust.json"] },
  );

  const sandbox = program
    .command("sandbox")
    .description("a local AWS on 127.0.0.1 that speaks the real wire protocols (no account needed)");
  helpFor(
    sandbox
      .command("start")
      .description("run the sandbox in the foreground and print the exports that point AWS tools at it")
      .option("--port <port>", "port on 127.0.0.1 (0 picks a free one)", "4599")
      .option("--time-scale <n>", "sandbox time runs N times faster than real time", "1")
      .option("--faults <spec>", "inject faults, e.g. 'GetCallerIdentity:throttle=0.3;*:latency=50'")
      .option("--state-file <file>", "keep state in this file across restarts")
      .option("--account <id>", "12-digit account id the sandbox reports", "000000000000")
      .option("--quiet", "do not log each request on stderr")
      .action(lazy(() => import("./commands/sandbox-start.js"), runtime)),
    { globals: OUTPUT_GLOBALS, examples: ["mlops sandbox start", "mlops sandbox start --port 0 --time-scale 100 --state-file .sandbox.json", "mlops sandbox start --faults 'sagemaker:UpdateEndpoint:throttle=0.3'"] },
  );

  helpFor(
    program
      .command("completion")
      .description("print a shell completion script: commands, flags and their values")
      .addArgument(oneOf(new Argument("[shell]", "the shell to complete in"), SHELLS))
      .action(lazy(async () => (await import("./commands/completion.js")).completionCommand(program), runtime)),
    {
      globals: ["--json"],
      examples: [
        "source <(mlops completion bash)                                 # bash, this shell (add it to ~/.bashrc to keep it)",
        "source <(mlops completion zsh)                                  # zsh, after compinit (e.g. in ~/.zshrc)",
        "mlops completion fish > ~/.config/fish/completions/mlops.fish   # fish, from the next shell on",
      ],
    },
  );

  return program;
}

export function processRuntime(signal: AbortSignal, onRepeatedSignal?: Runtime["onRepeatedSignal"]): Runtime {
  return {
    // process.stdin is created on first access, which costs milliseconds: only commands that read it pay.
    streams: {
      // Asking the fd does not create the stream.
      stdinIsTTY: isatty(0),
      get stdin() {
        return process.stdin;
      },
      stdout: process.stdout,
      stderr: process.stderr,
    },
    env: process.env,
    cwd: process.cwd(),
    signal,
    onRepeatedSignal,
  };
}

/** "mlops models needs a command: list, show, approve or reject": the group the words name, and its commands. */
function missingCommand(program: Command, argv: string[]): string {
  let group = program;
  const path = [program.name()];
  for (const word of argv.slice(2)) {
    const sub = group.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) {
      group = sub;
      path.push(sub.name());
    }
  }
  const names = group.commands.map((c) => c.name());
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names.join("");
  return `${path.join(" ")} needs a command: ${list}`;
}

/** Run the CLI; resolves to the exit code. The only place errors become exit codes. */
export async function main(argv: string[] = process.argv, runtimeOverride?: Runtime): Promise<number> {
  const controller = new AbortController();
  const listeners = new Set<(count: number) => void>();
  let interrupts = 0;
  // The first Ctrl-C or SIGTERM asks the command to stop safely (a rollout puts the traffic back
  // first). A CI runner often sends two at once: the second only says what is going on; the
  // third leaves at once, after the command said what it leaves behind.
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts === 1) return controller.abort(signal);
    for (const listener of listeners) listener(interrupts);
    if (interrupts >= FORCE_EXIT_SIGNALS) process.exit(ExitCode.Interrupted);
  };
  if (!runtimeOverride) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  const onRepeatedSignal = (listener: (count: number) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const runtime = runtimeOverride ?? processRuntime(controller.signal, onRepeatedSignal);
  const program = buildProgram(() => runtime);
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help, --version and `mlops help`; commander's help for a group run without its command (`mlops models`) is not.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || (error.code === "commander.help" && error.exitCode === 0)) return ExitCode.Ok;
      let message = error.message.replace(/^error: /, "");
      if (error.code === "commander.help") {
        // commander has printed the group's help on stderr: say what is missing, and exit 2 like any usage error.
        message = missingCommand(program, argv);
        runtime.streams.stderr.write(`error: ${message}\n`);
      }
      // commander has printed its message on stderr already; --json still gets its one document.
      if (argv.includes("--json")) {
        const usage: ErrorName = "usage";
        runtime.streams.stdout.write(JSON.stringify({ error: { name: usage, exitCode: ExitCode.Usage, message } }) + "\n");
      }
      return ExitCode.Usage;
    }
    // Only a failing run loads the error reporting.
    const [{ reportError }, { createIo }, { exitCodeOf }] = await Promise.all([import("./report-error.js"), import("./context.js"), import("./errors.js")]);
    reportError(error, createIo(program.opts<GlobalOptions>(), runtime));
    return exitCodeOf(error);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
