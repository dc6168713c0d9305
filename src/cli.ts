import { isatty } from "node:tty";
import { Command, CommanderError, Option } from "commander";
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
    const { runCommand } = await import("./run-command.js");
    await runCommand(load, positionals, command.opts(), command.optsWithGlobals<GlobalOptions>(), runtime());
  };
}

/** For options given more than once: --require a --require b → [a, b]. */
const collect = (value: string, previous: string[]) => [...previous, value];

const EXIT_CODES_TEXT =
  "\nExit codes:\n" + EXIT_CODE_HELP.map(([code, text]) => `  ${String(code).padEnd(5)}${text}`).join("\n") + "\n";

export function buildProgram(runtime: () => Runtime): Command {
  const program = new Command("mlops")
    .description("Take SageMaker models from a notebook to production: metric-gated registry, triggers, endpoint advice and safe rollouts.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .addOption(new Option("--region <region>", "AWS region (else MLOPS_REGION, AWS_REGION, mlops.yaml, AWS profile)"))
    .addOption(new Option("--profile <name>", "AWS named profile (else MLOPS_PROFILE, AWS_PROFILE, mlops.yaml)"))
    .addOption(new Option("--endpoint-url <url>", "send AWS calls to this URL, e.g. a sandbox (else MLOPS_ENDPOINT_URL, mlops.yaml)"))
    .option("--sandbox", "run against a throwaway in-process sandbox: no AWS account needed")
    .option("--json", "print the result as one JSON document on stdout")
    .option("--no-color", "no colour (NO_COLOR is honoured too)")
    .option("--no-input", "never prompt; a missing value is an error (also when CI is set or not on a TTY)")
    .option("-y, --yes", "confirm destructive steps without asking")
    .option("--debug", "log AWS calls and stack traces on stderr (never secrets)")
    .option("--config <path>", "use this mlops.yaml instead of searching upwards (else MLOPS_CONFIG)")
    .addHelpText("after", EXIT_CODES_TEXT)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime().streams.stdout.write(text),
      writeErr: (text) => runtime().streams.stderr.write(text),
    });

  program
    .command("demo")
    .description("the whole story on a local AWS in under a minute: register, create, canary, and a bad version rolled back by its alarm")
    .option("--time-scale <n>", "how much faster than real time the local AWS runs", "200")
    .action(lazy(() => import("./commands/demo.js"), runtime));

  program
    .command("doctor")
    .description("check Node, config, region, credentials and endpoint; say how to fix what fails")
    .action(lazy(() => import("./commands/doctor.js"), runtime));

  program
    .command("register")
    .description("register a model version in the Model Registry, only if its metrics pass the gate")
    .option("--group <name>", "model package group (created if missing)")
    .option("--image <uri>", "inference container image URI")
    .option("--model-data <s3uri>", "model artifact: s3://bucket/path/model.tar.gz")
    .option("--metrics <file|s3uri>", "evaluation metrics JSON (SageMaker evaluation report or flat)")
    .option("--require <expr>", 'gate, e.g. "accuracy>=0.9"; repeat for more (all must hold)', collect, [])
    .option("--approval <status>", "pending, approved or rejected", "pending")
    .option("--description <text>", "description of this version")
    .option("--meta <key=value>", "extra metadata to record; repeatable", collect, [])
    .option("--env <key=value>", "container environment variable; repeatable", collect, [])
    .option("--content-type <mime>", "content type the model accepts, e.g. text/csv")
    .option("--instance-type <type>", "supported real-time instance type; repeatable", collect, [])
    .option("--dry-run", "check everything and print the calls, without registering")
    .action(lazy(() => import("./commands/register.js"), runtime));

  const models = program.command("models").description("list, show, approve and reject registered model versions");
  models
    .command("list")
    .description("list a group's versions, newest first, with metrics and source")
    .option("--group <name>", "model package group")
    .option("--status <status>", "only approved, pending or rejected versions")
    .option("--limit <n>", "at most N versions")
    .action(lazy(() => import("./commands/models-list.js"), runtime));
  models
    .command("show")
    .description("show one version: REF is an ARN, GROUP/VERSION, GROUP@latest or GROUP@latest-approved")
    .argument("<ref>", "the model version")
    .action(lazy(() => import("./commands/models-show.js"), runtime));
  models
    .command("approve")
    .description("approve a version (idempotent; keeps everything else)")
    .argument("<ref>", "the model version")
    .option("--reason <text>", "why it is approved")
    .action(lazy(async () => ({ run: (await import("./commands/models-approval.js")).approve }), runtime));
  models
    .command("reject")
    .description("reject a version (idempotent; keeps everything else)")
    .argument("<ref>", "the model version")
    .option("--reason <text>", "why it is rejected (required)")
    .action(lazy(async () => ({ run: (await import("./commands/models-approval.js")).reject }), runtime));

  program
    .command("deploy")
    .description("create or update an endpoint with a canary, linear, blue/green, rolling or all-at-once rollout that rolls back on alarms")
    .option("--endpoint <name>", "endpoint to create or update (else mlops.yaml endpoint.name)")
    .option("--model-package <ref>", "registered version: GROUP@latest-approved, GROUP/VERSION or package ARN")
    .option("--image <uri>", "inference image (with --model-data, instead of --model-package)")
    .option("--model-data <s3uri>", "model artifact s3://…/model.tar.gz")
    .option("--env <key=value>", "container environment variable; repeatable", collect, [])
    .option("--role-arn <arn>", "SageMaker execution role (default: the serving model's)")
    .option("--type <type>", "realtime, serverless or async (default: the endpoint's, else realtime)")
    .option("--instance-type <type>", "instance type (default ml.m5.large)")
    .option("--instance-count <n>", "instances (default 1)")
    .option("--memory-mb <mb>", "serverless memory, 1024–6144 in 1024 steps (default 2048)")
    .option("--max-concurrency <n>", "serverless max concurrency, 1–200 (default 10)")
    .option("--async-output <s3uri>", "asynchronous results location s3://bucket/prefix/")
    .option("--async-concurrency <n>", "asynchronous: requests one instance works on at once, 1–1000 (default: SageMaker's choice)")
    .option("--strategy <name>", "all-at-once, canary, linear, blue-green or rolling (default canary)")
    .option("--canary-percent <p>", "traffic share of the canary (default 10)")
    .option("--linear-step <p>", "traffic share per linear step, or rolling batch size (default 20)")
    .option("--bake <duration>", "watch time between steps, e.g. 300 or 5m (default 300 s)")
    .option("--final-bake <duration>", "watch time at 100 % before the old version goes (default 300 s)")
    .option("--alarm <name>", "existing CloudWatch alarm that rolls back; repeatable (at most 10)", collect, [])
    .option("--auto-alarms", "create error-rate and latency alarms scoped to the new version")
    .option("--max-error-rate <r>", "auto-alarm error rate, 0–1 (default 0.01)")
    .option("--max-latency-ms <ms>", "auto-alarm latency in ms (default 1000)")
    .option("--engine <name>", "guardrails (SageMaker moves traffic) or traffic (mlops moves variant weights)")
    .option("--pause", "stop after the first step until `mlops promote` (traffic engine)")
    .option("--timeout <duration>", "give up waiting after this long (exit 5), e.g. 45m")
    .option("--poll <seconds>", "seconds between status checks (default 15; MLOPS_POLL_SECONDS)")
    .option("--no-wait", "start the rollout and return (the traffic engine stops at its first step)")
    .option("--dry-run", "print the calls in order and the expected duration, without changing anything")
    .option("--keep-old", "keep every previous config and model (default: keep one, for rollback)")
    .action(lazy(() => import("./commands/deploy.js"), runtime));

  program
    .command("status")
    .description("show an endpoint: serving config, variants, deployment or rollout in progress, alarms")
    .option("--endpoint <name>", "endpoint (else mlops.yaml endpoint.name)")
    .option("--watch", "follow a deployment or rollout until it ends (exit 3 if it rolled back)")
    .option("--poll <seconds>", "seconds between checks (default 15)")
    .action(lazy(() => import("./commands/status.js"), runtime));
  program
    .command("rollback")
    .description("go back to the previous endpoint config (or --to CONFIG) at once")
    .option("--endpoint <name>", "endpoint (else mlops.yaml endpoint.name)")
    .option("--to <config>", "endpoint config to go back to (default: the one before the last deploy)")
    .option("--poll <seconds>", "seconds between checks (default 15)")
    .option("--no-wait", "start the rollback and return")
    .action(lazy(() => import("./commands/rollback.js"), runtime));
  program
    .command("promote")
    .description("continue a paused traffic rollout (--full: go to 100 % now)")
    .option("--endpoint <name>", "endpoint (else mlops.yaml endpoint.name)")
    .option("--full", "skip the remaining steps and bakes")
    .option("--poll <seconds>", "seconds between checks (default 15)")
    .action(lazy(async () => { const m = await import("./commands/promote.js"); return { run: m.promote, handlesInterrupt: true }; }, runtime));
  program
    .command("abort")
    .description("stop a rollout and return all traffic to the old version")
    .option("--endpoint <name>", "endpoint (else mlops.yaml endpoint.name)")
    .option("--poll <seconds>", "seconds between checks (default 15)")
    .action(lazy(async () => { const m = await import("./commands/promote.js"); return { run: m.abort, handlesInterrupt: true }; }, runtime));

  const endpoint = program.command("endpoint").description("choose and size an endpoint");
  endpoint
    .command("advise")
    .description("which endpoint type fits (real-time, serverless, asynchronous, batch), why, its limits and monthly cost")
    .option("--latency-ms <ms>", "acceptable latency per request, when callers wait")
    .option("--payload-mb <mb>", "request payload size")
    .option("--response-mb <mb>", "response size (default: the payload size)")
    .option("--processing-seconds <s>", "model processing time per request")
    .option("--traffic <shape>", "steady, spiky, intermittent or batch (a dataset on a schedule)")
    .option("--requests-per-day <n>", "requests (or records, for batch) per day")
    .option("--peak-rps <n>", "peak requests per second (default: from the daily volume and the traffic shape)")
    .option("--sync", "callers wait for the answer in the same request (default)")
    .option("--no-sync", "callers can get the answer later")
    .option("--cold-start-ok", "cold starts of a few seconds after idle periods are acceptable")
    .option("--no-cold-start-ok", "cold starts are not acceptable (default)")
    .option("--gpu", "the model needs a GPU")
    .option("--no-gpu", "the model runs on CPUs (default)")
    .option("--image-gb <gb>", "container image size (default 2)")
    .option("--memory-gb <gb>", "memory the model needs (default 2)")
    .option("--price-file <file>", "prices to use instead of the built-in table (same layout as data/prices.json)")
    .option("--save", "write the choice into mlops.yaml (endpoint: or batch:) for `mlops deploy`")
    .action(lazy(() => import("./commands/advise.js"), runtime));

  const sandbox = program
    .command("sandbox")
    .description("a local AWS on 127.0.0.1 that speaks the real wire protocols (no account needed)");
  sandbox
    .command("start")
    .description("run the sandbox in the foreground and print the exports that point AWS tools at it")
    .option("--port <port>", "port on 127.0.0.1 (0 picks a free one)", "4599")
    .option("--time-scale <n>", "sandbox time runs N times faster than real time", "1")
    .option("--faults <spec>", "inject faults, e.g. 'GetCallerIdentity:throttle=0.3;*:latency=50'")
    .option("--state-file <file>", "keep state in this file across restarts")
    .option("--account <id>", "12-digit account id the sandbox reports", "000000000000")
    .option("--quiet", "do not log each request on stderr")
    .action(lazy(() => import("./commands/sandbox-start.js"), runtime));

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
