"""Airflow DAG: preprocess, train and evaluate {{name}} on SageMaker, then register the model
when {{metric}} >= {{threshold}} (Amazon MWAA, or any Airflow with the Amazon provider:
apache-airflow-providers-amazon).

buildspec.yml copies this file to the MWAA environment's dags/ folder and the job code (src/) to
s3://<data bucket>/pipeline/code/. Set two Airflow Variables first (Admin > Variables):
  {{name}}_data_bucket        the stack's DataBucketName output
  {{name}}_sagemaker_role     the stack's SageMakerRoleArn output
The MWAA execution role needs the SageMakerRole's permissions on jobs and the registry, and
iam:PassRole on that role (see README.md).
"""

import json
from datetime import datetime

try:  # Airflow 3: the Task SDK and the standard provider
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.providers.standard.operators.python import BranchPythonOperator
    from airflow.sdk import DAG, Variable
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.models import Variable
    from airflow.operators.empty import EmptyOperator
    from airflow.operators.python import BranchPythonOperator
from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.amazon.aws.operators.sagemaker import (
    SageMakerProcessingOperator,
    SageMakerRegisterModelVersionOperator,
    SageMakerTrainingOperator,
)

PROJECT = "{{name}}"
REGION = "{{region}}"
GROUP = "{{group}}"
METRIC = "{{metric}}"
THRESHOLD = float("{{threshold}}")
PROCESSING_IMAGE = "683313688378.dkr.ecr.{{region}}.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
TRAINING_IMAGE = "{{#framework_sklearn}}683313688378.dkr.ecr.{{region}}.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3{{/framework_sklearn}}{{#framework_xgboost}}683313688378.dkr.ecr.{{region}}.amazonaws.com/sagemaker-xgboost:1.7-1{{/framework_xgboost}}{{#framework_pytorch}}763104351884.dkr.ecr.{{region}}.amazonaws.com/pytorch-training:2.1.0-cpu-py310{{/framework_pytorch}}"
INFERENCE_IMAGE = "{{#framework_sklearn}}683313688378.dkr.ecr.{{region}}.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3{{/framework_sklearn}}{{#framework_xgboost}}683313688378.dkr.ecr.{{region}}.amazonaws.com/sagemaker-xgboost:1.7-1{{/framework_xgboost}}{{#framework_pytorch}}763104351884.dkr.ecr.{{region}}.amazonaws.com/pytorch-inference:2.1.0-cpu-py310{{/framework_pytorch}}"



def jinja(expression):
    """An Airflow template expression (Jinja, double braces), filled in when the task runs."""
    return "{" + "{ " + expression + " }" + "}"


# The bucket and role come from Airflow Variables, the run's timestamp from the run itself.
BUCKET = jinja("var.value.get('{{name}}_data_bucket')")
ROLE = jinja("var.value.get('{{name}}_sagemaker_role')")
RUN = jinja("ts_nodash")
PREFIX = f"s3://{BUCKET}/pipeline"
CLUSTER = {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}


def s3_input(name, uri, local):
    return {"InputName": name, "S3Input": {"S3Uri": uri, "LocalPath": local, "S3DataType": "S3Prefix", "S3InputMode": "File"}}


def s3_output(name, uri, local):
    return {"OutputName": name, "S3Output": {"S3Uri": uri, "LocalPath": local, "S3UploadMode": "EndOfJob"}}


def processing_job(step, script, image, inputs, outputs):
    return {
        "ProcessingJobName": f"{PROJECT}-{RUN}-{step}",
        "RoleArn": ROLE,
        "AppSpecification": {"ImageUri": image, "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/{script}"]},
        "ProcessingResources": {"ClusterConfig": CLUSTER},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "ProcessingInputs": inputs + [s3_input("code", f"{PREFIX}/code/", "/opt/ml/processing/input/code")],
        "ProcessingOutputConfig": {"Outputs": outputs},
    }


class RegisterModelVersion(SageMakerRegisterModelVersionOperator):
    """The provider's operator, with `extras` rendered by Airflow too: it holds this run's S3 paths."""

    template_fields = (*SageMakerRegisterModelVersionOperator.template_fields, "extras")


def metric_passes(**context):
    """Branch on the evaluation report: register when the metric reaches the threshold."""
    bucket = Variable.get(f"{PROJECT}_data_bucket")
    key = f"pipeline/{context['ts_nodash']}/evaluation/evaluation.json"
    report = json.loads(S3Hook().read_key(key, bucket_name=bucket))
    value = float(report["metrics"][METRIC]["value"])
    print(f"{METRIC} = {value} (threshold {THRESHOLD})")
    return "register_model" if value >= THRESHOLD else "metric_below_threshold"


with DAG(
    dag_id=f"{PROJECT}_training",
    description=f"Train {PROJECT} and register it in {GROUP} when {METRIC} >= {THRESHOLD}",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    tags=["mlops", PROJECT],
) as dag:
    preprocess = SageMakerProcessingOperator(
        task_id="preprocess",
        config=processing_job(
            "pre",
            "preprocess.py",
            PROCESSING_IMAGE,
            [s3_input("input-1", f"s3://{BUCKET}/input/", "/opt/ml/processing/input/data")],
            [
                s3_output("train", f"{PREFIX}/{RUN}/train", "/opt/ml/processing/train"),
                s3_output("test", f"{PREFIX}/{RUN}/test", "/opt/ml/processing/test"),
            ],
        ),
        wait_for_completion=True,
    )

    train = SageMakerTrainingOperator(
        task_id="train",
        config={
            "TrainingJobName": f"{PROJECT}-{RUN}-train",
            "RoleArn": ROLE,
            "AlgorithmSpecification": {"TrainingImage": TRAINING_IMAGE, "TrainingInputMode": "File"},
            "HyperParameters": {
                "sagemaker_program": "train.py",
                "sagemaker_submit_directory": f"{PREFIX}/code/sourcedir.tar.gz",
                "sagemaker_region": REGION,
            },
            "InputDataConfig": [
                {
                    "ChannelName": "train",
                    "ContentType": "text/csv",
                    "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{PREFIX}/{RUN}/train", "S3DataDistributionType": "FullyReplicated"}},
                }
            ],
            "OutputDataConfig": {"S3OutputPath": f"{PREFIX}/{RUN}/model"},
            "ResourceConfig": CLUSTER,
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        },
        wait_for_completion=True,
    )

    model_data = f"{PREFIX}/{RUN}/model/{PROJECT}-{RUN}-train/output/model.tar.gz"

    evaluate = SageMakerProcessingOperator(
        task_id="evaluate",
        config=processing_job(
            "eval",
            "evaluate.py",
            TRAINING_IMAGE,
            [
                s3_input("model", model_data, "/opt/ml/processing/model"),
                s3_input("test", f"{PREFIX}/{RUN}/test", "/opt/ml/processing/test"),
            ],
            [s3_output("evaluation", f"{PREFIX}/{RUN}/evaluation", "/opt/ml/processing/evaluation")],
        ),
        wait_for_completion=True,
    )

    check_metric = BranchPythonOperator(task_id="check_metric", python_callable=metric_passes)

    register_model = RegisterModelVersion(
        task_id="register_model",
        image_uri=INFERENCE_IMAGE,
        model_url=model_data,
        package_group_name=GROUP,
        package_desc=f"{PROJECT}: trained and evaluated by DAG {PROJECT}_training",
        extras={
            "ModelApprovalStatus": "PendingManualApproval",
            "InferenceSpecification": {
                "Containers": [
                    {
                        "Image": INFERENCE_IMAGE,
                        "ModelDataUrl": model_data,
                        "Environment": {
                            "SAGEMAKER_PROGRAM": "train.py",
                            "SAGEMAKER_SUBMIT_DIRECTORY": f"{PREFIX}/code/sourcedir.tar.gz",
                            "SAGEMAKER_REGION": REGION,
                        },
                    }
                ],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv", "application/json"],
            },
        },
    )

    metric_below_threshold = EmptyOperator(task_id="metric_below_threshold")

    preprocess >> train >> evaluate >> check_metric >> [register_model, metric_below_threshold]
