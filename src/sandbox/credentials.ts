/**
 * The dummy credentials `mlops sandbox start` prints and `--sandbox` uses. Not secrets: the
 * sandbox checks no signatures. A module of its own so that output redaction can know them
 * without loading the sandbox.
 */
export const SANDBOX_CREDENTIALS = { accessKeyId: "AKIAMLOPSSANDBOX0000", secretAccessKey: "mlops-sandbox-dummy-secret-key" } as const;
