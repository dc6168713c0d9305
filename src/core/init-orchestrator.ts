import type { Orchestrator } from "./choices";

/**
 * Which orchestrator runs a project's build workflow, from what the workflow touches. The rule
 * follows AWS's own guidance on choosing among them (SageMaker Pipelines is built for ML and stays
 * within SageMaker's jobs and Model Registry; Step Functions coordinates many AWS services such as
 * Lambda, Glue or DynamoDB with a state machine; Amazon MWAA runs Apache Airflow's Python DAGs,
 * for heavy ETL and for work outside AWS). Pure: no I/O.
 */

/** What the workflow touches: the question `mlops init` asks. */
export const WORKFLOW_TOUCHES = ["sagemaker-only", "aws-services", "external"] as const;
export type WorkflowTouches = (typeof WORKFLOW_TOUCHES)[number];

export interface OrchestratorAdvice {
  orchestrator: Orchestrator;
  /** One sentence: why this one fits. */
  reason: string;
}

/** How the question offers each answer. */
export const TOUCHES_TEXT: Record<WorkflowTouches, { name: string; description: string }> = {
  "sagemaker-only": { name: "Only SageMaker jobs", description: "processing, training, evaluation and model registration" },
  "aws-services": { name: "Other AWS services take part too", description: "e.g. Lambda, Glue, DynamoDB, EMR or Athena between the ML steps" },
  external: { name: "Existing Airflow DAGs, or systems outside AWS", description: "heavy ETL in Python DAGs, another cloud, on-premises databases" },
};

const ADVICE: Record<WorkflowTouches, OrchestratorAdvice> = {
  "sagemaker-only": {
    orchestrator: "sagemaker-pipelines",
    reason: "SageMaker Pipelines: the work is all SageMaker jobs, and a pipeline runs them natively, with lineage and the Model Registry built in and no servers to run.",
  },
  "aws-services": {
    orchestrator: "step-functions",
    reason: "Step Functions: Lambda, Glue or other AWS services take part, and a state machine coordinates them with the SageMaker jobs (service integrations that wait for each job), with retries and Choice states.",
  },
  external: {
    orchestrator: "airflow",
    reason: "Airflow (Amazon MWAA): the work already lives in Python DAGs or reaches systems outside AWS, which Airflow's providers connect to; its SageMaker operators run the ML steps.",
  },
};

export function recommendOrchestrator(touches: WorkflowTouches): OrchestratorAdvice {
  return ADVICE[touches];
}

/** Why an orchestrator fits (the same sentence as its recommendation), for one chosen by flag. */
export function orchestratorReason(orchestrator: Orchestrator): string {
  return Object.values(ADVICE).find((a) => a.orchestrator === orchestrator)!.reason;
}
