import { jsonErrorProfile } from "../errors";
import { paginate } from "../paginate";
import type { ServiceDefinition } from "../service";
import { int, required, str } from "../validate";

/** SageMaker names: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`. */
export const NAME_PATTERN = /[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/;
/** A name, or the ARN of the resource. */
const NAME_OR_ARN = /(arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:[a-z\-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)/;

interface ModelPackageGroup {
  name: string;
  arn: string;
  description?: string;
  /** Epoch milliseconds, sandbox time. */
  created: number;
  status: "Completed";
}

export interface SageMakerState {
  modelPackageGroups: Record<string, ModelPackageGroup>;
}

const errors = jsonErrorProfile();
/** Small on purpose, so that code which forgets NextToken fails against the sandbox. */
const DEFAULT_PAGE_SIZE = 10;

function nameFrom(nameOrArn: string): string {
  return nameOrArn.includes("/") ? nameOrArn.slice(nameOrArn.lastIndexOf("/") + 1) : nameOrArn;
}

function findGroup(state: SageMakerState, nameOrArn: string): ModelPackageGroup {
  const group = state.modelPackageGroups[nameFrom(nameOrArn)];
  if (!group) throw errors.validation(`Model Package Group ${nameFrom(nameOrArn)} does not exist.`);
  return group;
}

const sortSpec = {
  SortBy: str({ enum: ["Name", "CreationTime"] }),
  SortOrder: str({ enum: ["Ascending", "Descending"] }),
  MaxResults: int({ min: 1, max: 100 }),
  NextToken: str({ max: 8192 }),
};

export const sagemaker: ServiceDefinition<SageMakerState> = {
  name: "sagemaker",
  signingName: "sagemaker",
  arnService: "sagemaker",
  protocol: { kind: "json", version: "1.1", target: "SageMaker", namespace: "com.amazonaws.sagemaker" },
  errors,
  initialState: () => ({ modelPackageGroups: {} }),
  operations: {
    CreateModelPackageGroup: {
      mutates: true,
      input: {
        ModelPackageGroupName: required(str({ min: 1, max: 63, pattern: NAME_PATTERN })),
        ModelPackageGroupDescription: str({ max: 1024 }),
      },
      handler: (input: { ModelPackageGroupName: string; ModelPackageGroupDescription?: string }, ctx) => {
        const name = input.ModelPackageGroupName;
        const existing = ctx.state.modelPackageGroups[name];
        if (existing) throw errors.validation(`Model Package Group already exists: ${existing.arn}`);
        const group: ModelPackageGroup = {
          name,
          arn: ctx.arn(`model-package-group/${name.toLowerCase()}`),
          description: input.ModelPackageGroupDescription,
          created: ctx.clock.now(),
          status: "Completed",
        };
        ctx.state.modelPackageGroups[name] = group;
        return { ModelPackageGroupArn: group.arn };
      },
    },
    DescribeModelPackageGroup: {
      mutates: false,
      input: { ModelPackageGroupName: required(str({ min: 1, max: 170, pattern: NAME_OR_ARN })) },
      handler: (input: { ModelPackageGroupName: string }, ctx) => {
        const g = findGroup(ctx.state, input.ModelPackageGroupName);
        return {
          ModelPackageGroupName: g.name,
          ModelPackageGroupArn: g.arn,
          ModelPackageGroupDescription: g.description,
          CreationTime: new Date(g.created),
          ModelPackageGroupStatus: g.status,
        };
      },
    },
    ListModelPackageGroups: {
      mutates: false,
      input: { NameContains: str({ max: 63 }), ...sortSpec },
      handler: (input: { NameContains?: string; SortBy?: string; SortOrder?: string; MaxResults?: number; NextToken?: string }, ctx) => {
        const byName = input.SortBy === "Name";
        const descending = (input.SortOrder ?? "Descending") === "Descending";
        const groups = Object.values(ctx.state.modelPackageGroups)
          .filter((g) => !input.NameContains || g.name.includes(input.NameContains))
          .sort((a, b) => (byName ? a.name.localeCompare(b.name) : a.created - b.created || a.name.localeCompare(b.name)) * (descending ? -1 : 1));
        const { page, nextToken } = paginate(groups, { maxResults: input.MaxResults, nextToken: input.NextToken }, {
          defaultPageSize: DEFAULT_PAGE_SIZE,
          invalidToken: (m) => errors.validation(m),
        });
        return {
          ModelPackageGroupSummaryList: page.map((g) => ({
            ModelPackageGroupName: g.name,
            ModelPackageGroupArn: g.arn,
            ModelPackageGroupDescription: g.description,
            CreationTime: new Date(g.created),
            ModelPackageGroupStatus: g.status,
          })),
          NextToken: nextToken,
        };
      },
    },
    DeleteModelPackageGroup: {
      mutates: true,
      input: { ModelPackageGroupName: required(str({ min: 1, max: 63, pattern: NAME_PATTERN })) },
      handler: (input: { ModelPackageGroupName: string }, ctx) => {
        const group = findGroup(ctx.state, input.ModelPackageGroupName);
        delete ctx.state.modelPackageGroups[group.name];
        return {};
      },
    },
  },
};
