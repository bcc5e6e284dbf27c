"""MedPool infrastructure: an AWS SAM template synthesized from the code, deployed with the SAM CLI."""
