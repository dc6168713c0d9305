/** The exit codes every command keeps. Shown in `mlops --help` and README. */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  RolledBack: 3,
  GateNotMet: 4,
  TimedOut: 5,
  Credentials: 6,
  Declined: 7,
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_HELP: ReadonlyArray<readonly [number, string]> = [
  [ExitCode.Ok, "done"],
  [ExitCode.Failed, "failed (AWS error, unexpected state)"],
  [ExitCode.Usage, "usage or invalid input; nothing was changed"],
  [ExitCode.RolledBack, "deployment rolled back; the previous version serves"],
  [ExitCode.GateNotMet, "a gate was not met; nothing was changed"],
  [ExitCode.TimedOut, "timed out waiting; the operation may still be running"],
  [ExitCode.Credentials, "credentials or permission problem"],
  [ExitCode.Declined, "a confirmation was answered no; nothing was changed"],
  [ExitCode.Interrupted, "interrupted (Ctrl-C); what was left behind is printed"],
];

/** Signals after which mlops leaves at once, whatever it is doing: the first asks it to stop safely. */
export const FORCE_EXIT_SIGNALS = 3;
