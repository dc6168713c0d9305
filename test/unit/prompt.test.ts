import { PassThrough } from "node:stream";
import { parse } from "shell-quote";
import { describe, expect, it, vi } from "vitest";
import { AwsError, InterruptedError, MissingInputError, UsageError } from "../../src/errors";
import { shellLine } from "../../src/io/command-line";
import { inquirerAsker, PLAIN_THEME, Prompter, validator, type Asker, type Validate } from "../../src/io/prompt";

/** What each prompt of the (mocked) library was given. */
const configs: Array<Record<string, unknown>> = [];
vi.mock("@inquirer/prompts", () => {
  const fail = (name: string) => (config: Record<string, unknown>) => {
    configs.push(config);
    return Promise.reject(Object.assign(new Error("stopped"), { name }));
  };
  return { input: fail("ExitPromptError"), select: fail("AbortPromptError"), confirm: fail("SomethingElse") };
});

/**
 * An asker that answers from a script and fails on any question it was not given. A text
 * question's validator sees each answer, as the library's prompt would: a refused one is
 * recorded in `refused` and the next answer in the script is tried.
 */
function scripted(answers: unknown[]): { asker: () => Promise<Asker>; asked: string[]; refused: string[] } {
  const asked: string[] = [];
  const refused: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return Promise.resolve(answer);
  };
  const text = async (message: string, options: { default?: string; validate?: Validate }): Promise<string> => {
    for (;;) {
      const typed = (await next(message)) as string;
      const answer = typed === "" && options.default !== undefined ? options.default : typed;
      const verdict = options.validate ? await options.validate(answer) : true;
      if (verdict === true) return answer;
      refused.push(verdict);
    }
  };
  return {
    asked,
    refused,
    asker: async () => ({
      text,
      select: (message) => next(message) as Promise<never>,
      confirm: (message) => next(message) as Promise<boolean>,
    }),
  };
}

describe("Prompter", () => {
  it("asks on a terminal", async () => {
    const script = scripted(["churn", "serverless", true]);
    const prompt = new Prompter(true, false, script.asker);
    expect(await prompt.text({ flag: "--group", message: "Model package group?" })).toBe("churn");
    expect(await prompt.select({ flag: "--type", message: "Endpoint type?", choices: [{ value: "realtime" }, { value: "serverless" }] })).toBe("serverless");
    expect(await prompt.confirm({ message: "Roll back?" })).toBe(true);
    expect(script.asked).toEqual(["Model package group?", "Endpoint type?", "Roll back?"]);
  });

  it("never asks when it may not: the error names the flag", async () => {
    const script = scripted([]);
    const prompt = new Prompter(false, false, script.asker);
    await expect(prompt.text({ flag: "--group", message: "?" })).rejects.toThrow(new MissingInputError("--group"));
    await expect(prompt.select({ flag: "--type", message: "?", choices: [] })).rejects.toThrow("--type is required when not running interactively");
    await expect(prompt.confirm({ message: "Delete?" })).rejects.toThrow("--yes is required when not running interactively");
    expect(script.asked).toEqual([]);
  });

  it("--yes confirms without asking, on a terminal or not", async () => {
    const script = scripted([]);
    expect(await new Prompter(false, true, script.asker).confirm({ message: "Delete?" })).toBe(true);
    expect(await new Prompter(true, true, script.asker).confirm({ message: "Delete?" })).toBe(true);
    expect(script.asked).toEqual([]);
  });

  it("passes a Ctrl-C at the prompt through as an interrupt", async () => {
    const prompt = new Prompter(true, false, scripted([new InterruptedError("cancelled at the prompt")]).asker);
    await expect(prompt.text({ flag: "--group", message: "?" })).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe("inquirerAsker", () => {
  it("turns the prompt library's Ctrl-C and abort into an interrupt, and lets other errors through", async () => {
    const asker = await inquirerAsker(process.stdin, process.stderr);
    await expect(asker.text("?", {})).rejects.toThrow(new InterruptedError("cancelled at the prompt"));
    await expect(asker.select("?", [{ value: "a" }])).rejects.toThrow(new InterruptedError("interrupted at the prompt"));
    await expect(asker.confirm("?", false)).rejects.toMatchObject({ name: "SomethingElse" });
  });

  it("gives every prompt the theme without colour when colour is off, and the library's own otherwise", async () => {
    configs.length = 0;
    const plain = await inquirerAsker(process.stdin, process.stderr, undefined, { color: false });
    await Promise.allSettled([plain.text("?", {}), plain.select("?", [{ value: "a" }]), plain.confirm("?", false)]);
    expect(configs.map((c) => c.theme)).toEqual([PLAIN_THEME, PLAIN_THEME, PLAIN_THEME]);
    configs.length = 0;
    const coloured = await inquirerAsker(process.stdin, process.stderr, undefined, { color: true });
    await Promise.allSettled([coloured.text("?", {})]);
    expect(configs[0]!.theme).toBeUndefined();
  });

  it("wraps a long question at spaces to the terminal's width, leaving room for the mark and the answer", async () => {
    configs.length = 0;
    const narrow = Object.assign(new PassThrough(), { columns: 40 });
    const asker = await inquirerAsker(process.stdin, narrow, undefined, { color: false });
    const question = "IAM role SageMaker uses to pull the image and model (arn:aws:iam::…:role/…)";
    await Promise.allSettled([asker.text(question, {}), asker.confirm(question, false), asker.select(question, [{ value: "a" }])]);
    for (const config of configs) {
      const lines = String(config.message).split("\n");
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(28);
      expect(lines.map((l) => l.trim()).join(" ")).toBe(question);
    }
    configs.length = 0;
    const wide = await inquirerAsker(process.stdin, Object.assign(new PassThrough(), { columns: 200 }), undefined, { color: false });
    await Promise.allSettled([wide.text(question, {})]);
    expect(configs[0]!.message).toBe(question);
  });

  it("the plain theme keeps the marks and layout and has no escape codes", () => {
    const s = PLAIN_THEME.style;
    const shown = [s.answer("a"), s.message("m"), s.error("bad"), s.defaultAnswer("0.5"), s.help("h"), s.highlight("x"), s.key("enter"), s.disabled("d"), s.description("d"), s.keysHelpTip([["↑↓", "navigate"], ["⏎", "select"]]), s.confirmDefault("y")];
    expect(shown).toEqual(["a", "m", "> bad", "(0.5)", "h", "x", "<enter>", "d", "d", "↑↓ navigate • ⏎ select", "Y"]);
    expect(JSON.stringify(PLAIN_THEME) + shown.join("")).not.toContain("\u001b");
  });
});

describe("answers that are refused are asked again", () => {
  it("an empty answer with no default is refused with the question's own message; with a default, Enter takes it", async () => {
    const script = scripted(["", "  ", "bias", ""]);
    const prompt = new Prompter(true, false, script.asker);
    expect(await prompt.text({ flag: "--reason", message: "Why?", required: "a reason is needed" })).toBe("bias");
    expect(await prompt.text({ flag: "--peak-rps", message: "Peak?", default: "2" })).toBe("2");
    expect(script.refused).toEqual(["a reason is needed", "a reason is needed"]);
    expect(script.asked).toEqual(["Why?", "Why?", "Why?", "Peak?"]);
  });

  it("an answer is checked and kept without the spaces around it (a pasted name with a trailing space is accepted)", async () => {
    const script = scripted([" churn-prod \t"]);
    const prompt = new Prompter(true, false, script.asker);
    const seen: string[] = [];
    const answer = await prompt.text({ flag: "--endpoint", message: "Endpoint?", validate: (v) => (seen.push(v), /^[a-z-]+$/.test(v) || "not a name") });
    expect(answer).toBe("churn-prod");
    expect(seen).toEqual(["churn-prod"]);
    expect(script.refused).toEqual([]);
    expect(prompt.equivalentCommand(["deploy"])).toBe("mlops deploy --endpoint churn-prod");
  });

  it("validator: a UsageError's message (and hint) refuses the answer; a sync or async check may pass it", async () => {
    const check = validator(async (v) => {
      if (v === "bad") throw new UsageError(`--group "${v}" is not a name`, { hint: "use letters" });
    });
    expect(await check("bad")).toBe('--group "bad" is not a name (use letters)');
    expect(await check("good")).toBe(true);
    expect(await validator(() => undefined)("x")).toBe(true);
  });

  it("validator: a failure that is not the answer's (AWS unreachable) passes it on to the command's own check", async () => {
    const check = validator(async () => {
      throw new AwsError("s3:HeadObject", "ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9");
    });
    expect(await check("s3://models/m.tar.gz")).toBe(true);
  });
});

describe("the equivalent command line", () => {
  it("is nothing when nothing was asked, or when a confirmation was declined", async () => {
    expect(new Prompter(true, false, scripted([]).asker).equivalentCommand(["register", "--group", "churn"])).toBeUndefined();
    const declined = new Prompter(true, false, scripted(["churn", false]).asker);
    await declined.text({ flag: "--endpoint", message: "Endpoint?" });
    expect(await declined.confirm({ message: "Roll back?" })).toBe(false);
    expect(declined.equivalentCommand(["rollback"])).toBeUndefined();
  });

  it("is the words typed and a flag per answer, in order; yes/no answers are --flag or --no-flag; a confirmation is --yes", async () => {
    const prompt = new Prompter(true, false, scripted(["steady", false, true, "0.5", true]).asker);
    await prompt.select({ flag: "--traffic", message: "?", choices: [{ value: "steady" }] });
    await prompt.yesNo({ flag: "--gpu", message: "?" });
    await prompt.yesNo({ flag: "--cold-start-ok", message: "?" });
    await prompt.text({ flag: "--payload-mb", message: "?" });
    await prompt.confirm({ message: "Roll back?" });
    expect(prompt.equivalentCommand(["--no-color", "endpoint", "advise", "--memory-gb", "2"])).toBe(
      "mlops --no-color endpoint advise --memory-gb 2 --traffic steady --no-gpu --cold-start-ok --payload-mb 0.5 --yes",
    );
  });

  it("is quoted for a shell: parsed back, it gives the same words; answers go before a `--`", async () => {
    const reason = `it's "biased" & $HOME; rm -rf / \`x\` !1 *`;
    const prompt = new Prompter(true, false, scripted([reason]).asker);
    await prompt.text({ flag: "--reason", message: "?" });
    const line = prompt.equivalentCommand(["models", "reject", "churn/1", "--", "-x"])!;
    expect(line).toMatch(/^mlops models reject churn\/1 --reason .+ -- -x$/);
    expect(parse(line)).toEqual(["mlops", "models", "reject", "churn/1", "--reason", reason, "--", "-x"]);
  });

  it("never shows a secret answer, nor the same flag's value typed on the command line", async () => {
    const prompt = new Prompter(true, false, scripted(["s3cr3t-token", "churn"]).asker);
    await prompt.text({ flag: "--token", message: "Token?", secret: true });
    await prompt.text({ flag: "--group", message: "Group?" });
    const line = prompt.equivalentCommand(["publish", "--token", "typed-secret", "--token=other-secret", "--image", "x"])!;
    expect(line).not.toMatch(/typed-secret|other-secret|s3cr3t/);
    expect(line).toBe("mlops publish --image x --group churn  (add --token: not shown, it is secret)");
  });

  it("is not printed at all when a word holds a control character (it could not be pasted back, and would reach the terminal raw)", async () => {
    const prompt = new Prompter(true, false, scripted(["churn"]).asker);
    await prompt.text({ flag: "--group", message: "?" });
    expect(prompt.equivalentCommand(["register", "--description", "a\u001b[31mred"])).toBeUndefined();
    expect(shellLine(["mlops", "a\nb"])).toBeUndefined();
  });
});
