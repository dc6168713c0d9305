import { describe, expect, it, vi } from "vitest";
import { InterruptedError, MissingInputError } from "../../src/errors";
import { inquirerAsker, Prompter, type Asker } from "../../src/io/prompt";

vi.mock("@inquirer/prompts", () => {
  const fail = (name: string) => () => Promise.reject(Object.assign(new Error("stopped"), { name }));
  return { input: fail("ExitPromptError"), select: fail("AbortPromptError"), confirm: fail("SomethingElse") };
});

/** An asker that answers from a script and fails on any question it was not given. */
function scripted(answers: unknown[]): { asker: () => Promise<Asker>; asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return Promise.resolve(answer);
  };
  return {
    asked,
    asker: async () => ({
      text: (message) => next(message) as Promise<string>,
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
});
