import { describe, expect, it } from "vitest";
import { canAnimate, canPrompt, colorLevel, isAutomation } from "../../src/io/terminal";

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe("the prompt gate", () => {
  it.each([
    ["all TTYs, no CI", {}, { stdin: tty, stdout: tty, stderr: tty }, false, true],
    ["CI=true", { CI: "true" }, { stdin: tty, stdout: tty, stderr: tty }, false, false],
    ["CI=1", { CI: "1" }, { stdin: tty, stdout: tty, stderr: tty }, false, false],
    ["CI=false is not CI", { CI: "false" }, { stdin: tty, stdout: tty, stderr: tty }, false, true],
    ["CodeBuild", { CODEBUILD_BUILD_ID: "proj:1" }, { stdin: tty, stdout: tty, stderr: tty }, false, false],
    ["--no-input", {}, { stdin: tty, stdout: tty, stderr: tty }, true, false],
    ["stdin piped", {}, { stdin: pipe, stdout: tty, stderr: tty }, false, false],
    ["stdout piped", {}, { stdin: tty, stdout: pipe, stderr: tty }, false, false],
    ["stderr redirected (prompts render there)", {}, { stdin: tty, stdout: tty, stderr: pipe }, false, false],
  ])("%s", (_name, env, streams, noInput, expected) => {
    expect(canPrompt(env, streams, noInput)).toBe(expected);
  });

  it("treats CodeBuild and CI as automation", () => {
    expect(isAutomation({ CODEBUILD_BUILD_ID: "x" })).toBe(true);
    expect(isAutomation({ CI: "" })).toBe(false);
  });
});

describe("animation and colour", () => {
  it("animates only on a terminal outside CI and not on dumb terminals", () => {
    expect(canAnimate({}, tty)).toBe(true);
    expect(canAnimate({ CI: "true" }, tty)).toBe(false);
    expect(canAnimate({ TERM: "dumb" }, tty)).toBe(false);
    expect(canAnimate({}, pipe)).toBe(false);
  });

  it.each([
    ["a TTY", {}, tty, false, 1],
    ["a 256-colour TTY", { TERM: "xterm-256color" }, tty, false, 2],
    ["truecolor", { COLORTERM: "truecolor" }, tty, false, 3],
    ["a pipe", {}, pipe, false, 0],
    ["NO_COLOR", { NO_COLOR: "1" }, tty, false, 0],
    ["empty NO_COLOR is ignored", { NO_COLOR: "" }, tty, false, 1],
    ["--no-color", {}, tty, true, 0],
    ["FORCE_COLOR on a pipe", { FORCE_COLOR: "1" }, pipe, false, 1],
    ["FORCE_COLOR=0 on a TTY", { FORCE_COLOR: "0" }, tty, false, 0],
    ["NO_COLOR beats FORCE_COLOR", { NO_COLOR: "1", FORCE_COLOR: "3" }, tty, false, 0],
  ])("colour level on %s", (_name, env, stream, flag, expected) => {
    expect(colorLevel(env, stream, flag)).toBe(expected);
  });
});
