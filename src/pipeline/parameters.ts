import { parseParameterValue, type DeclaredParameter } from "../core/pipeline-definition";
import { UsageError } from "../errors";

/** SageMaker takes at most 200 parameters per execution (PipelineParameters; EventBridge's PipelineParameterList alike). */
export const MAX_PIPELINE_PARAMETERS = 200;

/**
 * `flag K=V` pairs against a pipeline's declared parameters: an unknown name lists the declared
 * ones; a value must fit its parameter's type unless `isDynamic(value)` (a JSONPath EventBridge
 * fills in when the rule fires). Returns name/value pairs as SageMaker takes them (strings).
 * Raises UsageError naming the flag.
 */
export function checkParameters(
  flag: string,
  pairs: ReadonlyArray<[string, string]>,
  declared: readonly DeclaredParameter[],
  isDynamic: (value: string) => boolean = () => false,
): Array<{ name: string; value: string }> {
  if (pairs.length > MAX_PIPELINE_PARAMETERS) throw new UsageError(`${flag} was given ${pairs.length} times; SageMaker takes at most ${MAX_PIPELINE_PARAMETERS} parameters`);
  const list = declared.map((p) => `${p.name} (${p.type})`);
  return pairs.map(([key, text]) => {
    const parameter = declared.find((p) => p.name === key);
    if (!parameter) throw unknownParameter(flag, key, list);
    if (isDynamic(text)) return { name: key, value: text };
    try {
      return { name: key, value: String(parseParameterValue(parameter.type, text)) };
    } catch (error) {
      throw new UsageError(`${flag} ${key} ${(error as Error).message}`);
    }
  });
}

/** An unknown parameter name: exit 2, listing the declared ones. */
export function unknownParameter(flag: string, key: string, declared: readonly string[]): UsageError {
  return new UsageError(`${flag} ${key}: the pipeline declares no parameter "${key}"; it declares ${declared.length > 0 ? declared.join(", ") : "none"}`);
}
