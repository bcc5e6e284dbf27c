"""MedPool infrastructure: a CloudFormation template synthesized from the code, and boto3 deploys."""
